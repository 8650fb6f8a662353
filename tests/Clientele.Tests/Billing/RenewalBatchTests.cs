using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Billing;

/// <summary>
/// Issue 10, renewal-run: the batched renewal (RenewBatch) gives each subscription what the
/// one-row path gives (same lines, consecutive numbers, one invoice.finalized each), sends a
/// customer with credits through the row path (its invoice shows the credit), and a second run
/// invoices nothing.
/// </summary>
public sealed class RenewalBatchTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_batch_of_due_subscriptions_gets_consecutive_numbers_one_event_each_and_credits_applied()
    {
        var t = await app.SignupAsync();
        await t.Http.PlanAsync("basic", 29m, 9m);
        var now = DateTime.UtcNow;
        var subs = new List<Guid>();
        var customers = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            var c = await t.Http.CreateCustomerAsync();
            customers.Add(c);
            subs.Add(await t.Http.SubscriptionAsync(c, "basic", seats: 1 + i % 3, start: now.AddDays(-31), end: now.AddMinutes(-5 - i)));
        }
        (await t.Http.PostJsonAsync("/api/v1/credits", new { customer_id = customers[4], amount = 10.00m, credit_type = "goodwill" })).Status.ShouldBe(System.Net.HttpStatusCode.Created);

        var run = await t.Http.PostOkAsync("/api/v1/billing/run");
        run.Dec("renewed").ShouldBe(12);
        (await t.Http.PostOkAsync("/api/v1/billing/run")).Dec("renewed").ShouldBe(0);

        var numbers = new List<int>();
        for (var i = 0; i < subs.Count; i++)
        {
            var invoices = (await t.Http.GetOkAsync($"/api/v1/invoices?subscription_id={subs[i]}&include=invoice_lines"))["data"]!.AsArray();
            invoices.Count.ShouldBe(1);
            var inv = invoices[0]!;
            inv.Str("status").ShouldBe("open");
            var seats = 1 + i % 3;
            var lines = inv["invoice_lines"]!.AsArray().ToDictionary(l => l!.Str("kind"), l => l!.Dec("amount"));
            lines["base"].ShouldBe(29m);
            lines["seat"].ShouldBe(9m * seats);
            if (i == 4)
            {
                lines["credit"].ShouldBe(-10m);
                inv.Dec("amount").ShouldBe(29m + 9m * seats - 10m);
            }
            else
            {
                lines.ContainsKey("credit").ShouldBeFalse();
                inv.Dec("amount").ShouldBe(29m + 9m * seats);
            }
            numbers.Add(int.Parse(inv.Str("invoice_number").Split('-')[2], System.Globalization.CultureInfo.InvariantCulture));
            var sub = await t.Http.GetOkAsync($"/api/v1/subscriptions/{subs[i]}");
            DateTime.Parse(sub.Str("current_period_end"), System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime().ShouldBeGreaterThan(now);
        }
        numbers.Order().ShouldBe(Enumerable.Range(numbers.Min(), 12));

        await using var conn = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT count(*), count(DISTINCT resource_id) FROM domain_events WHERE organization_id = $1 AND event_type = 'invoice.finalized'", conn);
        cmd.Parameters.AddWithValue(t.OrganizationId);
        await using var r = await cmd.ExecuteReaderAsync();
        (await r.ReadAsync()).ShouldBeTrue();
        r.GetInt64(0).ShouldBe(12);
        r.GetInt64(1).ShouldBe(12);
    }
}
