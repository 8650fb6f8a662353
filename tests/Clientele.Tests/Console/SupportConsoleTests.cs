using Clientele.Modules.BackOffice;
using Clientele.Platform.Database;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Console;

/// <summary>Issue 14: a support conversation both ways in the browser: the tenant opens a ticket at /app/support, staff sign in at /admin with a TOTP code, note and reply, and the tenant reads the reply (not the note).</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SupportConsoleTests(ConsoleFixture app) : ConsoleTests(app)
{
    [Fact]
    public async Task A_tenant_opens_a_ticket_and_reads_the_staff_reply_but_never_the_internal_note()
    {
        var t = await App.SignupAsync("Support Org " + Guid.NewGuid().ToString("N")[..6]);
        await using var tenant = await OpenAsync(t.Email, "/app/support");
        var page = tenant.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Support", Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Open ticket" }).ClickAsync();
        await Assertions.Expect(page.Locator("#subject-error")).ToContainTextAsync("Give the ticket a subject.");
        await App.CheckPageAsync(tenant, "support-open-invalid");
        await page.GetByLabel("Subject").FillAsync("Invoice PDF shows the old address");
        await page.GetByLabel("What happened?").FillAsync("Our billing address changed in March; the PDF still shows the old one.");
        await page.GetByLabel("Priority").SelectOptionAsync("high");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open ticket" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/app/support/[0-9a-f-]{36}$"));
        var ticketId = page.Url[^36..];
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Invoice PDF shows the old address" })).ToBeVisibleAsync();

        // Staff sign in with password and TOTP, write a note and a reply.
        var email = $"desk-{Guid.NewGuid():N}@clientele.test";
        var created = await StaffAccounts.CreateAsync(App.App.Services.GetRequiredService<DatabaseSettings>(), App.App.Services.GetRequiredService<StaffTwoFactor>(),
            email, "Sam Support", "support", "staff password 2026", CancellationToken.None);
        await using var staff = await App.PageAsync();
        var desk = staff.Page;
        await desk.GotoAsync("/admin/login");
        await desk.GetByLabel("Email").FillAsync(email);
        await desk.GetByLabel("Password").FillAsync("staff password 2026");
        await desk.GetByLabel("Authenticator code").FillAsync(StaffTwoFactor.CodeFor(created.Secret, DateTime.UtcNow));
        await App.CheckPageAsync(staff, "admin-login");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await desk.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/admin/organizations"));
        await App.CheckPageAsync(staff, "admin-organizations");
        await desk.GotoAsync("/admin/tickets");
        await App.CheckPageAsync(staff, "admin-tickets");
        // The queue spans every organization (other tests' tenants open tickets too): open this one by its link.
        var link = desk.Locator($"a[href='/admin/tickets/{ticketId}']");
        await Assertions.Expect(link).ToHaveTextAsync("Invoice PDF shows the old address");
        await link.ClickAsync();
        await desk.WaitForURLAsync(new System.Text.RegularExpressions.Regex($"/admin/tickets/{ticketId}$"));
        await desk.GetByLabel("Reply or note").FillAsync("Note: the address lives in settings.billing_address, check the PDF cache.");
        await desk.GetByLabel("Internal note").CheckAsync();
        await desk.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Assertions.Expect(desk.GetByText("Internal note added.")).ToBeVisibleAsync();
        await desk.GetByLabel("Reply or note").FillAsync("Fixed: new invoices use the March address. Older PDFs are regenerated tonight.");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Assertions.Expect(desk.GetByText("Reply sent")).ToBeVisibleAsync();
        await desk.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("waiting_on_customer");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(desk.GetByText("Ticket saved.")).ToBeVisibleAsync();
        await App.CheckPageAsync(staff, "admin-ticket");

        // The tenant reloads: the reply is there, signed by Clientele support; the note is not.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByText("Fixed: new invoices use the March address.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Clientele support · Sam Support")).ToBeVisibleAsync();
        (await page.ContentAsync()).ShouldNotContain("billing_address");
        await App.CheckPageAsync(tenant, "support-ticket-replied");
        await page.GotoAsync("/app/support");
        await App.CheckPageAsync(tenant, "support-list");
        (await CountAsync("SELECT count(*) FROM support_ticket_comments WHERE ticket_id = $1 AND author_type = 'admin'", Guid.Parse(ticketId))).ShouldBe(2);
    }
}
