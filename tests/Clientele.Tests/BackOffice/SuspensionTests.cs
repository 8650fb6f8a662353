using System.Net;
using Clientele.Modules.BackOffice.Suspension;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.BackOffice;

/// <summary>Issue 14 item 1: a suspended organization's API answers 403 with the reason, its console says why, and its webhooks are acknowledged but parked until it is unsuspended.</summary>
public sealed class SuspensionTests(BackOfficeFixture app) : IClassFixture<BackOfficeFixture>
{
    [Fact]
    public async Task A_suspended_organization_gets_403_sees_why_and_its_webhooks_wait_until_it_is_unsuspended()
    {
        var ch = await app.ChannelAsync();
        var t = ch.Tenant;
        var console = await app.TenantConsoleAsync(t);
        var billing = await app.StaffClientAsync(await app.StaffAsync("billing"));
        var orgPage = $"/admin/organizations/{t.OrganizationId}";
        const string reason = "Invoice INV-7 unpaid for 60 days";
        (await billing.PostFormAsync(orgPage + "?handler=Suspend", new() { ["reason"] = reason }, formPage: orgPage)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // The API: 403 with a problem that says why, for reads and writes; nothing is written.
        var refused = await t.Http.GetJsonAsync("/api/v1/customers");
        refused.ShouldBeProblem(403);
        refused.Json!["type"]!.GetValue<string>().ShouldBe(SuspensionGate.ProblemType);
        refused.Json["reason"]!.GetValue<string>().ShouldBe(reason);
        refused.Json["detail"]!.GetValue<string>().ShouldContain(reason);
        (await t.Http.PostJsonAsync("/api/v1/customers", new { email = "new@example.test", name = "New" })).ShouldBeProblem(403);
        (await app.CountAsync("SELECT count(*) FROM customers WHERE organization_id = $1", t.OrganizationId)).ShouldBe(0);
        // Support stays open so the organization can talk to the operator.
        (await t.Http.GetJsonAsync("/api/v1/support_tickets")).Status.ShouldBe(HttpStatusCode.OK);

        // The console sends its people to a page that says why.
        var home = await console.Http.GetAsync("/app/customers");
        home.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        home.Headers.Location!.ShouldPointTo("/app/suspended");
        var why = await console.Http.GetAsync("/app/suspended");
        why.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await why.Content.ReadAsStringAsync()).ShouldContain(reason);

        // The tenant cannot lift it from its own transaction: only staff transactions change suspension.
        await using (var appRole = await app.AppRoleAsync())
        {
            await using var tx = await appRole.BeginTransactionAsync();
            await new NpgsqlCommand($"SELECT set_config('clientele.organization_id', '{t.OrganizationId}', true)", appRole, tx).ExecuteScalarAsync();
            var lift = new NpgsqlCommand("UPDATE organizations SET suspended_at = NULL, suspended_reason = NULL", appRole, tx);
            (await Should.ThrowAsync<PostgresException>(() => lift.ExecuteNonQueryAsync())).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        }

        // A webhook for its channel is acknowledged and stored, but nothing processes it.
        const string phone = "5511955550001";
        var hook = await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(ch.MetaId, phone, "Parked Person", "wamid.P" + Guid.NewGuid().ToString("N"), "Are you there?"));
        hook.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.CountAsync("SELECT count(*) FROM inbound_events WHERE organization_id = $1 AND status = 'received'", t.OrganizationId)).ShouldBe(1);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the outbox polls every 50 ms here: it had thirty chances
        (await app.CountAsync("SELECT count(*) FROM conversations WHERE organization_id = $1", t.OrganizationId)).ShouldBe(0);
        // Held back without using an attempt (it is not failing, it waits).
        (await app.CountAsync("SELECT count(*) FROM inbound_events WHERE organization_id = $1 AND processed_at IS NULL AND dead_at IS NULL AND attempts = 0 AND available_at > now()", t.OrganizationId)).ShouldBe(1);
        (await (await billing.Http.GetAsync(orgPage)).Content.ReadAsStringAsync()).ShouldContain("<dt>Webhook events waiting</dt><dd>1</dd>");

        // The organization's activity feed says who did it.
        (await app.CountAsync("SELECT count(*) FROM activity_logs WHERE organization_id = $1 AND action_type = 'organization.suspended' AND actor_name LIKE 'Clientele staff (%'", t.OrganizationId)).ShouldBe(1);

        // Unsuspended: the API works again and the parked message is processed.
        (await billing.PostFormAsync(orgPage + "?handler=Unsuspend", [], formPage: orgPage)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await t.Http.GetJsonAsync("/api/v1/customers")).Status.ShouldBe(HttpStatusCode.OK);
        (await console.Http.GetAsync("/app/customers")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.GetAsync(() => app.CountAsync("SELECT count(*) FROM conversations WHERE organization_id = $1", t.OrganizationId), n => n == 1, what: "the parked message to become a conversation");
        (await app.CountAsync("SELECT count(*) FROM admin_audit_logs WHERE resource_id = $1 AND action_type IN ('organization.suspended', 'organization.unsuspended')", t.OrganizationId)).ShouldBe(2);
    }
}
