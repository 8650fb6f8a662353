using Clientele.Modules.Billing.Reporting;
using Clientele.Platform.Database;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Billing;

/// <summary>
/// Issue 10, console: the MRR history. The billing.mrr_snapshot job records this month's MRR/ARR
/// (the live subscriptions' sums) and backfills the 11 months before once from the subscription
/// rows (start and cancel dates); a second run rewrites only this month.
/// </summary>
public sealed class MrrHistoryTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task The_snapshot_job_records_this_month_and_backfills_the_year_from_the_subscription_rows_once()
    {
        var t = await app.SignupAsync();
        await t.Http.PlanAsync("basic", 29m, 9m);
        var now = DateTime.UtcNow;
        var month = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var c1 = await t.Http.CreateCustomerAsync();
        var c2 = await t.Http.CreateCustomerAsync();
        var old = await t.Http.SubscriptionAsync(c1, "basic", seats: 1, start: now.AddDays(-3), end: now.AddDays(27)); // 38.00
        await t.Http.SubscriptionAsync(c2, "basic", seats: 3, start: now.AddDays(-3), end: now.AddDays(27)); // 56.00
        await using (var conn = await app.OwnerAsync()) // the first one started five months ago
        {
            await using var cmd = new NpgsqlCommand("UPDATE subscriptions SET created_at = $2 WHERE id = $1", conn);
            cmd.Parameters.AddWithValue(old);
            cmd.Parameters.AddWithValue(month.AddMonths(-5).AddDays(2));
            await cmd.ExecuteNonQueryAsync();
        }

        var job = app.App.Services.GetRequiredService<MrrSnapshots>();
        var tenant = new TenantContext { OrganizationId = t.OrganizationId, ActorType = "system", Role = Roles.Owner };
        await job.TakeAsync(tenant, now, CancellationToken.None);
        var rows = (await t.Http.GetOkAsync("/api/v1/mrr_snapshots?limit=50"))["data"]!.AsArray()
            .ToDictionary(r => DateOnly.Parse(r!.Str("month"), System.Globalization.CultureInfo.InvariantCulture), r => r!);
        rows.Count.ShouldBe(12);
        var thisMonth = rows[DateOnly.FromDateTime(month)];
        thisMonth.Str("source").ShouldBe("snapshot");
        thisMonth.Dec("mrr").ShouldBe(94m);
        thisMonth.Dec("arr").ShouldBe(94m * 12);
        thisMonth.Dec("subscriptions").ShouldBe(2);
        rows[DateOnly.FromDateTime(month.AddMonths(-1))].Dec("mrr").ShouldBe(38m); // only the old one before this month
        rows[DateOnly.FromDateTime(month.AddMonths(-5))].Dec("mrr").ShouldBe(38m); // it started on the month's 3rd
        rows[DateOnly.FromDateTime(month.AddMonths(-6))].Dec("mrr").ShouldBe(0m);
        rows[DateOnly.FromDateTime(month.AddMonths(-6))].Str("source").ShouldBe("backfill");

        // A cancellation now: the next run rewrites this month only; the backfilled months stay.
        await t.Http.PostOkAsync($"/api/v1/subscriptions/{old}/cancel", new { at_period_end = false });
        await job.TakeAsync(tenant, now.AddMinutes(1), CancellationToken.None);
        var again = (await t.Http.GetOkAsync("/api/v1/mrr_snapshots?limit=50"))["data"]!.AsArray();
        again.Count.ShouldBe(12);
        again.Single(r => r!.Str("source") == "snapshot")!.Dec("mrr").ShouldBe(56m);
        again.Single(r => DateOnly.Parse(r!.Str("month"), System.Globalization.CultureInfo.InvariantCulture) == DateOnly.FromDateTime(month.AddMonths(-1)))!.Dec("mrr").ShouldBe(38m);
    }
}
