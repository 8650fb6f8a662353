using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Console;

/// <summary>Issue 13 item 5 in Chromium: the customer page's privacy card (admins), and the bounced-email settings page.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PrivacyConsoleTests(ConsoleFixture app) : ConsoleTests(app)
{
    [Fact]
    public async Task An_admin_downloads_the_privacy_export_and_erases_a_customer_after_confirming()
    {
        var t = await App.SignupAsync("Privacy Works");
        var id = await t.Http.CreateCustomerAsync(new { name = "Petra Privacy", email = "petra.privacy@customer.test", plan = "premium", mrr = 120 });
        (await t.Http.PostJsonAsync("/api/v1/customer_notes", new { customer_id = id, content = "Petra Privacy asked for her data." })).Status.ShouldBe(System.Net.HttpStatusCode.Created);
        await using var cp = await OpenAsync(t.Email, $"/app/customers/{id}#privacy");
        var page = cp.Page;
        var card = page.Locator("#privacy");
        await Assertions.Expect(card).ToContainTextAsync("Privacy");

        var download = await page.RunAndWaitForDownloadAsync(() => card.GetByRole(AriaRole.Button, new() { Name = "Download privacy export (JSON)" }).ClickAsync());
        download.SuggestedFilename.ShouldBe($"customer-{id}.json");
        var doc = JsonNode.Parse(await File.ReadAllTextAsync((await download.PathAsync())!))!;
        doc["tables"]!["customers"]!["rows"]![0]!["email"]!.GetValue<string>().ShouldBe("petra.privacy@customer.test");
        doc["tables"]!["customer_notes"]!["count"]!.GetValue<int>().ShouldBe(1);

        // Without the confirmation nothing happens, and the page says why.
        await card.GetByRole(AriaRole.Button, new() { Name = "Erase personal data" }).ClickAsync();
        await Assertions.Expect(page.Locator("#ConfirmErase-error")).ToContainTextAsync("Tick the box to confirm");
        (await CountAsync("SELECT count(*) FROM customers WHERE id = $1 AND erased_at IS NULL AND name = 'Petra Privacy'", id)).ShouldBe(1);
        await App.CheckPageAsync(cp, "customer-privacy");

        await page.Locator("#privacy").GetByLabel("I understand that this customer's personal data will be erased for good").CheckAsync();
        await page.Locator("#privacy").GetByRole(AriaRole.Button, new() { Name = "Erase personal data" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Personal data erased");
        await Assertions.Expect(page.Locator("#customer-name")).ToHaveTextAsync("Erased");
        await Assertions.Expect(page.Locator("#privacy")).ToContainTextAsync("Personal data erased");
        await Assertions.Expect(page.Locator("#privacy").GetByRole(AriaRole.Button, new() { Name = "Erase personal data" })).ToHaveCountAsync(0);
        (await CountAsync("SELECT count(*) FROM customer_notes WHERE customer_id = $1 AND content LIKE '%Petra Privacy%'", id)).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM customers WHERE id = $1 AND mrr = 120 AND erased_at IS NOT NULL", id)).ShouldBe(1);
        await App.CheckPageAsync(cp, "customer-erased");

        // Bounced email: the settings page lists the address, and Clear removes it.
        await using (var conn = await App.OwnerAsync())
        await using (var cmd = new Npgsql.NpgsqlCommand("INSERT INTO email_bounces (organization_id, address, reason) VALUES ($1, 'bounced@customer.test', '5.1.1 user unknown')", conn))
        {
            cmd.Parameters.AddWithValue(t.OrganizationId);
            await cmd.ExecuteNonQueryAsync();
        }
        await page.GotoAsync("/app/settings/email-bounces");
        await Assertions.Expect(page.Locator("table tbody tr")).ToHaveCountAsync(1);
        await App.CheckPageAsync(cp, "email-bounces");
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear bounced@customer.test" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("bounced@customer.test cleared");
        await Assertions.Expect(page.Locator("table tbody tr")).ToHaveCountAsync(0);
        (await CountAsync("SELECT count(*) FROM email_bounces WHERE organization_id = $1", t.OrganizationId)).ShouldBe(0);
    }
}
