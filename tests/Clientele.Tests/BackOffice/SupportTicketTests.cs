using System.Net;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.BackOffice;

/// <summary>Issue 14 item 1: a ticket conversation both ways: the tenant writes through the API, staff answer from /admin with internal notes the tenant never sees, and replies arrive in the API and by email.</summary>
public sealed class SupportTicketTests(BackOfficeFixture app) : IClassFixture<BackOfficeFixture>
{
    [Fact]
    public async Task Staff_answer_a_tickets_with_replies_the_tenant_sees_and_gets_by_email_and_notes_it_never_sees()
    {
        var t = await app.SignupAsync();
        var other = await app.SignupAsync();
        var opened = await t.Http.PostJsonAsync("/api/v1/support_tickets", new { subject = "Template rejected", description = "Meta rejected order_update twice.", priority = "high", user_id = t.UserId });
        opened.Status.ShouldBe(HttpStatusCode.Created, opened.Json?.ToJsonString());
        opened.Json!["status"]!.GetValue<string>().ShouldBe("open");
        var id = opened.Json["id"]!.GetValue<string>();
        var comments = $"/api/v1/support_tickets/{id}/comments";
        (await t.Http.PostJsonAsync(comments, new { comment = "Template id is order_update_v2." })).Status.ShouldBe(HttpStatusCode.Created);
        (await t.Http.PostJsonAsync(comments, new { comment = "  " })).ShouldBeProblem(422, "comment");
        (await t.Http.PostJsonAsync(comments, new { text = "wrong field" })).ShouldBeProblem(422, "text");
        (await other.Http.PostJsonAsync(comments, new { comment = "not mine" })).ShouldBeProblem(404);
        (await other.Http.GetJsonAsync(comments)).ShouldBeProblem(404);
        // A tenant cannot write a staff reply or an internal note itself: the comments are not a generic resource.
        (await t.Http.PostJsonAsync("/api/v1/support_ticket_comments", new { ticket_id = id, author_type = "admin", author_id = Guid.NewGuid(), comment = "fake staff" })).Status.ShouldBe(HttpStatusCode.NotFound);
        (await t.Http.PatchJsonAsync($"/api/v1/support_tickets/{id}", new { status = "resolved" })).Status.ShouldBe((HttpStatusCode)422);

        var staff = await app.StaffAsync("support");
        var desk = await app.StaffClientAsync(staff);
        (await (await desk.Http.GetAsync("/admin/tickets")).Content.ReadAsStringAsync()).ShouldContain($"/admin/tickets/{id}");
        var page = $"/admin/tickets/{id}";
        (await desk.PostFormAsync(page + "?handler=Reply", new() { ["comment"] = "Internal: looks like the MARKETING category.", ["internal"] = "true" }, formPage: page)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await desk.PostFormAsync(page + "?handler=Reply", new() { ["comment"] = "We changed the category to UTILITY; it is approved now." }, formPage: page)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await desk.PostFormAsync(page + "?handler=Reply", new() { ["comment"] = "" }, formPage: page)).StatusCode.ShouldBe((HttpStatusCode)422);
        (await desk.PostFormAsync(page + "?handler=Update", new() { ["status"] = "resolved", ["priority"] = "medium", ["assigned_to"] = staff.Id.ToString() }, formPage: page)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await desk.PostFormAsync(page + "?handler=Update", new() { ["status"] = "done", ["priority"] = "medium", ["assigned_to"] = "" }, formPage: page)).StatusCode.ShouldBe((HttpStatusCode)422);
        var staffView = await (await desk.Http.GetAsync(page)).Content.ReadAsStringAsync();
        staffView.ShouldContain("Internal: looks like the MARKETING category.");
        staffView.ShouldContain("Internal note");

        // The tenant: the reply, signed by Clientele support; never the note (not even with SQL on its own tenant).
        var thread = (await t.Http.GetJsonAsync(comments)).Json!["data"]!.AsArray();
        thread.Select(c => c!["comment"]!.GetValue<string>()).ShouldBe(["Template id is order_update_v2.", "We changed the category to UTILITY; it is approved now."]);
        thread[1]!["author_type"]!.GetValue<string>().ShouldBe("admin");
        thread[1]!["author_name"]!.GetValue<string>().ShouldBe("Clientele support · support person");
        await using (var appRole = await app.AppRoleAsync())
        {
            await using var tx = await appRole.BeginTransactionAsync();
            await new NpgsqlCommand($"SELECT set_config('clientele.organization_id', '{t.OrganizationId}', true)", appRole, tx).ExecuteScalarAsync();
            ((long)(await new NpgsqlCommand($"SELECT count(*) FROM support_ticket_comments WHERE ticket_id = '{id}'", appRole, tx).ExecuteScalarAsync())!).ShouldBe(2);
            var forge = new NpgsqlCommand($"INSERT INTO support_ticket_comments (id, organization_id, ticket_id, author_type, author_id, comment, is_internal) VALUES ('{Guid.CreateVersion7()}', '{t.OrganizationId}', '{id}', 'user', '{t.UserId}', 'x', true)", appRole, tx);
            (await Should.ThrowAsync<PostgresException>(() => forge.ExecuteNonQueryAsync())).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        }
        var ticket = (await t.Http.GetJsonAsync($"/api/v1/support_tickets/{id}")).Json!;
        ticket["status"]!.GetValue<string>().ShouldBe("resolved");
        ticket["resolved_at"].ShouldNotBeNull();
        ticket["assigned_to"]!.GetValue<string>().ShouldBe(staff.Id.ToString());

        // By email: the reply (through the product's SMTP relay), not the note.
        var mail = await Eventually.GetAsync(() => Task.FromResult(app.Smtp.Messages.FirstOrDefault(m => m.RcptTo.Contains(t.Email))), m => m is not null, what: "the reply email");
        mail!.Header("Subject").ShouldBe("[Clientele support] Re: Template rejected");
        mail.Body.ShouldContain("We changed the category to UTILITY");
        mail.Raw.ShouldNotContain("MARKETING");
        app.Smtp.Messages.Count(m => m.RcptTo.Contains(t.Email)).ShouldBe(1);

        // The tenant answers a resolved ticket: it opens again.
        (await t.Http.PostJsonAsync(comments, new { comment = "Thanks! One more question." })).Status.ShouldBe(HttpStatusCode.Created);
        var reopened = (await t.Http.GetJsonAsync($"/api/v1/support_tickets/{id}")).Json!;
        reopened["status"]!.GetValue<string>().ShouldBe("open");
        reopened["resolved_at"].ShouldBeNull();

        (await app.CountAsync("SELECT count(*) FROM admin_audit_logs WHERE admin_user_id = $1 AND resource_id = $2 AND action_type IN ('ticket.note_added', 'ticket.replied', 'ticket.updated')", staff.Id, Guid.Parse(id))).ShouldBe(3);
        // Billing staff have no ticket desk.
        var billing = await app.StaffClientAsync(await app.StaffAsync("billing"));
        (await billing.Http.GetAsync("/admin/tickets")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await billing.PostFormAsync(page + "?handler=Reply", new() { ["comment"] = "billing says hi" }, formPage: "/admin/organizations")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
