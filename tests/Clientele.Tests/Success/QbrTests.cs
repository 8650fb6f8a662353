using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Success;

/// <summary>Issue 11 item 6: a QBR drafted from the account's rows, its deck, and the review before sharing.</summary>
public sealed class QbrTests(HealthFixture app) : IClassFixture<HealthFixture>
{
    private static DateOnly LastQuarterStart()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return new DateOnly(today.Year, (today.Month - 1) / 3 * 3 + 1, 1).AddMonths(-3);
    }

    private static string QuarterName(DateOnly start) => $"Q{(start.Month - 1) / 3 + 1} {start.Year}";

    private static string PdfText(byte[] bytes)
    {
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(bytes);
        return string.Join("\n", pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
    }

    [Fact]
    public async Task Prepare_drafts_the_quarter_from_the_rows_and_the_deck_is_a_draft_until_reviewed_then_shared()
    {
        var t = await app.SignupAsync();
        var start = LastQuarterStart();
        var quarter = QuarterName(start);
        var c = await t.Http.CreateCustomerAsync(new { name = "Quill Analytics", health_score = 70, nps_score = 40 });
        await RowsAsync(t, c, start);
        (await t.Http.PostJsonAsync("/api/v1/risk_signals", new { customer_id = c, signal_type = "champion_risk", severity = "high", description = "Our champion Dana moved to another team." })).Status.ShouldBe(HttpStatusCode.Created);
        (await t.Http.PostJsonAsync("/api/v1/expansion_opportunities", new { customer_id = c, opportunity_type = "upsell", product_line = "Analytics add-on", estimated_value = 5000 })).Status.ShouldBe(HttpStatusCode.Created);

        var res = await t.Http.PostJsonAsync($"/api/v1/customers/{c}/qbrs/prepare", new { quarter });
        res.Status.ShouldBe(HttpStatusCode.Created, res.Json?.ToJsonString());
        var q = res.Json!;
        var id = q["id"]!.GetValue<string>();
        q["quarter"]!.GetValue<string>().ShouldBe(quarter);
        q["health_score_at_qbr"]!.GetValue<int>().ShouldBe(70);
        q["expansion_discussed"]!.GetValue<bool>().ShouldBeTrue();
        q["reviewed_at"].ShouldBeNull();
        var data = q["prepared_data"]!;
        data["health"]!["at_start"]!.GetValue<int>().ShouldBe(60);
        data["health"]!["low"]!.GetValue<int>().ShouldBe(55);
        data["health"]!["high"]!.GetValue<int>().ShouldBe(70);
        data["usage"]!["dau_avg"]!.GetValue<double>().ShouldBe(13.0);
        data["usage"]!["dau_avg_previous_period"]!.GetValue<double>().ShouldBe(10.0);
        data["usage"]!["dau_change_percent"]!.GetValue<double>().ShouldBe(30.0);
        data["usage"]!["weekly_dau"]!.AsArray().Count.ShouldBeGreaterThan(0);
        data["support"]!["conversations"]!.GetValue<int>().ShouldBe(3);
        data["support"]!["resolved"]!.GetValue<int>().ShouldBe(2);
        data["support"]!["escalated"]!.GetValue<int>().ShouldBe(1);
        data["support"]!["csat_avg"]!.GetValue<double>().ShouldBe(4.5);
        data["billing"]!["invoices"]!.GetValue<int>().ShouldBe(2);
        data["billing"]!["invoiced"]!.GetValue<decimal>().ShouldBe(1500m);
        data["billing"]!["paid"]!.GetValue<decimal>().ShouldBe(1000m);
        data["billing"]!["overdue_invoices_now"]!.GetValue<int>().ShouldBe(1);
        Strings(q["wins"]).ShouldContain(w => w.StartsWith("Daily active users up 30%", StringComparison.Ordinal));
        Strings(q["challenges"]).ShouldContain("1 overdue invoice, 500.00 outstanding.");
        Strings(q["challenges"]).ShouldContain(x => x.Contains("Our champion Dana moved to another team."));
        q["action_items"]!.AsArray().Select(a => a!["item"]!.GetValue<string>()).ShouldContain(a => a.StartsWith("Discuss upsell (Analytics add-on), about 5,000.00 a year", StringComparison.Ordinal));

        // The deck: drawn from the draft, marked DRAFT until someone reviews it; sharing waits for the review.
        var deck = await t.Http.GetAsync($"/api/v1/qbrs/{id}/deck.pdf");
        deck.StatusCode.ShouldBe(HttpStatusCode.OK);
        deck.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        var text = PdfText(await deck.Content.ReadAsByteArrayAsync());
        text.ShouldContain("Quill Analytics");
        text.ShouldContain("DRAFT");
        text.ShouldContain("1,500.00");
        (await t.Http.PostJsonAsync($"/api/v1/qbrs/{id}/share", new { })).ShouldBeProblem(409, "reviewed_at");
        var reviewed = await t.Http.PostJsonAsync($"/api/v1/qbrs/{id}/review", new { });
        reviewed.Status.ShouldBe(HttpStatusCode.OK);
        reviewed.Json!["reviewed_at"].ShouldNotBeNull();
        PdfText(await (await t.Http.GetAsync($"/api/v1/qbrs/{id}/deck.pdf")).Content.ReadAsByteArrayAsync()).ShouldNotContain("DRAFT");
        var shared = (await t.Http.PostJsonAsync($"/api/v1/qbrs/{id}/share", new { })).Json!;
        shared["shared_at"].ShouldNotBeNull();
        shared["presentation_url"]!.GetValue<string>().ShouldBe($"/api/v1/qbrs/{id}/deck.pdf");

        // Preparing again refreshes the same draft (one per customer and quarter) and asks for a new review.
        var again = await t.Http.PostJsonAsync($"/api/v1/customers/{c}/qbrs/prepare", new { quarter });
        again.Status.ShouldBe(HttpStatusCode.OK);
        again.Json!["id"]!.GetValue<string>().ShouldBe(id);
        again.Json["reviewed_at"].ShouldBeNull();
        again.Json["shared_at"].ShouldBeNull();
        (await t.Http.GetJsonAsync($"/api/v1/qbrs?customer_id={c}")).Json!["data"]!.AsArray().Count.ShouldBe(1);

        var other = await app.SignupAsync();
        (await other.Http.GetAsync($"/api/v1/qbrs/{id}/deck.pdf")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.Http.PostJsonAsync($"/api/v1/customers/{c}/qbrs/prepare", new { quarter })).ShouldBeProblem(404);
    }

    [Fact]
    public async Task A_bad_or_future_quarter_is_a_422_and_changes_nothing()
    {
        var t = await app.SignupAsync();
        var c = await t.Http.CreateCustomerAsync(new { name = "Nobody Yet" });
        (await t.Http.PostJsonAsync($"/api/v1/customers/{c}/qbrs/prepare", new { quarter = "Q5 2026" })).ShouldBeProblem(422, "quarter");
        (await t.Http.PostJsonAsync($"/api/v1/customers/{c}/qbrs/prepare", new { })).ShouldBeProblem(422, "quarter");
        var future = LastQuarterStart().AddMonths(9);
        (await t.Http.PostJsonAsync($"/api/v1/customers/{c}/qbrs/prepare", new { quarter = QuarterName(future) })).ShouldBeProblem(422, "quarter");
        (await t.Http.PostJsonAsync($"/api/v1/customers/{Guid.NewGuid()}/qbrs/prepare", new { quarter = QuarterName(LastQuarterStart()) })).ShouldBeProblem(404);
        (await t.Http.GetJsonAsync($"/api/v1/qbrs?customer_id={c}")).Json!["data"]!.AsArray().ShouldBeEmpty();
    }

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(x => x!.GetValue<string>()).ToList();

    /// <summary>The quarter's rows as the other modules would have left them.</summary>
    private async Task RowsAsync(AppFixture.Tenant t, Guid c, DateOnly start)
    {
        var s = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await ExecAsync(t, $"""
            INSERT INTO usage_metrics (id, organization_id, customer_id, metric_date, dau, login_count) VALUES
              (gen_random_uuid(), $1, '{c}', '{s}'::date + 5, 12, 12), (gen_random_uuid(), $1, '{c}', '{s}'::date + 6, 14, 14),
              (gen_random_uuid(), $1, '{c}', '{s}'::date - 30, 10, 10)
            """);
        await ExecAsync(t, $"""
            INSERT INTO conversations (id, organization_id, customer_id, status, csat_score, sentiment_avg, started_at) VALUES
              (gen_random_uuid(), $1, '{c}', 'resolved', 5, 0.5, '{s}'::date + 10), (gen_random_uuid(), $1, '{c}', 'resolved', 4, 0.2, '{s}'::date + 11),
              (gen_random_uuid(), $1, '{c}', 'escalated', NULL, -0.4, '{s}'::date + 12)
            """);
        await ExecAsync(t, $"""
            INSERT INTO invoices (id, organization_id, customer_id, invoice_number, amount, amount_paid, status, issued_at, due_at) VALUES
              (gen_random_uuid(), $1, '{c}', 'Q-1-' || gen_random_uuid(), 1000, 1000, 'paid', '{s}'::date + 3, '{s}'::date + 17),
              (gen_random_uuid(), $1, '{c}', 'Q-2-' || gen_random_uuid(), 500, 0, 'open', '{s}'::date + 20, '{s}'::date + 34)
            """);
        await ExecAsync(t, $"""
            INSERT INTO health_score_history (id, organization_id, customer_id, score, components, recorded_at) VALUES
              (gen_random_uuid(), $1, '{c}', 60, jsonb_build_object(), '{s}'::date - 3), (gen_random_uuid(), $1, '{c}', 55, jsonb_build_object(), '{s}'::date + 20),
              (gen_random_uuid(), $1, '{c}', 70, jsonb_build_object(), '{s}'::date + 60)
            """);
    }

    private async Task ExecAsync(AppFixture.Tenant t, string sql)
    {
        await using var conn = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue(t.OrganizationId);
        await cmd.ExecuteNonQueryAsync();
    }
}
