using System.Net;
using System.Text.Json.Nodes;
using Clientele.Platform.Demo;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;
using Xunit.Abstractions;

namespace Clientele.Tests;

/// <summary>A host with one demo organization, shared by the customer export, timeline and search tests.</summary>
public sealed class DemoOrgFixture : AppFixture
{
    public Tenant Demo { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Demo = await SignupAsync("Demo for record tests");
        await DemoSeeder.FillAsync(App.Services, Demo.OrganizationId, Demo.UserId, CancellationToken.None);
    }

    public async Task<long> CountAsync(string sql, params object[] args)
    {
        await using var c = await OwnerAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, c);
        foreach (var a in args) cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = a });
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}

public sealed class CustomerRecordApiTests(DemoOrgFixture f, ITestOutputHelper output) : IClassFixture<DemoOrgFixture>
{
    private static List<string[]> ParseCsv(string text)
    {
        using var reader = new CsvHelper.CsvReader(new StringReader(text), System.Globalization.CultureInfo.InvariantCulture);
        var rows = new List<string[]>();
        while (reader.Read()) rows.Add(Enumerable.Range(0, reader.Parser.Count).Select(i => reader.GetField(i) ?? "").ToArray());
        return rows;
    }

    [Fact]
    public async Task The_csv_export_holds_every_customer_that_matches_the_filter_not_one_page()
    {
        var h = f.Demo.Http;
        // Enough rows that one page (50) would not hold them.
        for (var i = 0; i < 70; i++) await h.CreateCustomerAsync(new { name = $"Bulk Export {i:D3}", plan = "basic", segment = "smb", health_score = 30 + i % 20 });
        var res = await h.GetAsync("/api/v1/customers/export?plan=basic&health_below=45&sort=-mrr");
        res.StatusCode.ShouldBe(HttpStatusCode.OK);
        res.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        res.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldStartWith("customers-");
        var rows = ParseCsv(await res.Content.ReadAsStringAsync());
        rows[0].ShouldBe(Clientele.Modules.Customers.CustomerCsvExport.Header);
        var expected = await f.CountAsync(
            "SELECT count(*) FROM customers WHERE organization_id = $1 AND deleted_at IS NULL AND plan = 'basic' AND health_score < 45", f.Demo.OrganizationId);
        expected.ShouldBeGreaterThan(50);
        (rows.Count - 1).ShouldBe((int)expected);
        rows.Skip(1).Select(r => r[0]).Distinct().Count().ShouldBe((int)expected);
        rows.Skip(1).ShouldAllBe(r => r[4] == "basic" && int.Parse(r[7]) < 45);
        var mrr = rows.Skip(1).Select(r => decimal.Parse(r[5] == "" ? "0" : r[5], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        mrr.ShouldBe(mrr.OrderByDescending(x => x).ToList());
        (await f.CountAsync("SELECT count(*) FROM audit_logs WHERE organization_id = $1 AND entity_type = 'customers' AND action = 'export'", f.Demo.OrganizationId))
            .ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task The_csv_export_escapes_formulas_and_shows_no_other_tenants_customers()
    {
        var other = await f.SignupAsync();
        await other.Http.CreateCustomerAsync(new { name = "=HYPERLINK(\"http://evil.test\")", segment = "formula" });
        var rows = ParseCsv(await other.Http.GetStringAsync("/api/v1/customers/export"));
        rows.Count.ShouldBe(2);
        rows[1][1].ShouldBe("'=HYPERLINK(\"http://evil.test\")");
        var mine = ParseCsv(await f.Demo.Http.GetStringAsync("/api/v1/customers/export?segment=formula"));
        mine.Count.ShouldBe(1); // the header only
    }

    [Fact]
    public async Task A_bad_export_filter_is_a_400_naming_the_field_before_any_csv()
    {
        (await f.Demo.Http.GetJsonAsync("/api/v1/customers/export?health_below=lots")).ShouldBeProblem(400, "health_below");
        (await f.Demo.Http.GetJsonAsync("/api/v1/customers/export?sort=password")).ShouldBeProblem(400, "sort");
        (await f.Demo.Http.GetJsonAsync("/api/v1/customers/export?csm=someone")).ShouldBeProblem(400, "csm");
    }

    [Fact]
    public async Task The_timeline_pages_through_every_event_of_the_customer_newest_first_without_repeats()
    {
        var org = f.Demo.OrganizationId;
        // The demo customer with the most kinds of history.
        await using var c = await f.OwnerAsync();
        await using var pick = new Npgsql.NpgsqlCommand("""
            SELECT c.id FROM customers c WHERE c.organization_id = $1 ORDER BY
              (SELECT count(*) FROM conversations x WHERE x.customer_id = c.id) > 0 DESC,
              ((SELECT count(*) FROM invoices x WHERE x.customer_id = c.id) > 0)::int + ((SELECT count(*) FROM payments x WHERE x.customer_id = c.id) > 0)::int
              + ((SELECT count(*) FROM customer_notes x WHERE x.customer_id = c.id) > 0)::int + ((SELECT count(*) FROM risk_signals x WHERE x.customer_id = c.id) > 0)::int
              + ((SELECT count(*) FROM meetings x WHERE x.customer_id = c.id) > 0)::int + ((SELECT count(*) FROM customer_health_events x WHERE x.customer_id = c.id) > 0)::int DESC,
              c.id LIMIT 1
            """, c);
        pick.Parameters.Add(new Npgsql.NpgsqlParameter { Value = org });
        var customer = (Guid)(await pick.ExecuteScalarAsync())!;
        const string where = "organization_id = $1 AND customer_id = $2";
        var expected = await f.CountAsync($"""
            SELECT (SELECT count(*) FROM conversations WHERE {where} AND deleted_at IS NULL)
                 + (SELECT count(*) FROM messages m WHERE m.deleted_at IS NULL AND m.conversation_id IN (SELECT id FROM conversations WHERE {where} AND deleted_at IS NULL))
                 + (SELECT count(*) FROM customer_notes WHERE {where} AND deleted_at IS NULL) + (SELECT count(*) FROM meetings WHERE {where})
                 + (SELECT count(*) FROM invoices WHERE {where} AND deleted_at IS NULL) + (SELECT count(*) FROM payments WHERE {where} AND deleted_at IS NULL)
                 + (SELECT count(*) FROM customer_health_events WHERE {where} AND deleted_at IS NULL) + (SELECT count(*) FROM risk_signals WHERE {where})
                 + (SELECT count(*) FROM sales_activities sa WHERE sa.deleted_at IS NULL AND (sa.deal_id IN (SELECT id FROM deals WHERE {where})
                      OR sa.lead_id IN (SELECT id FROM leads WHERE organization_id = $1 AND (customer_id = $2 OR converted_to_customer_id = $2))))
                 + (SELECT count(*) FROM audit_logs WHERE organization_id = $1 AND entity_type = 'customers' AND entity_id = $2)
            """, org, customer);
        var items = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = (await f.Demo.Http.GetJsonAsync($"/api/v1/customers/{customer}/timeline?limit=7" + (cursor is null ? "" : "&before=" + cursor))).Json!;
            var data = page["data"]!.AsArray();
            data.Count.ShouldBeLessThanOrEqualTo(7);
            items.AddRange(data.Select(x => x!));
            cursor = page["next_cursor"]?.GetValue<string>();
        } while (cursor is not null);
        output.WriteLine(string.Join(", ", items.GroupBy(i => i["kind"]!.GetValue<string>()).Select(g => $"{g.Key}={g.Count()}")));
        items.Count.ShouldBe((int)expected);
        items.Select(i => i["id"]!.GetValue<string>()).Distinct().Count().ShouldBe(items.Count);
        var times = items.Select(i => DateTime.Parse(i["at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        times.ShouldBe(times.OrderByDescending(t => t).ToList());
        items.Select(i => i["kind"]!.GetValue<string>()).Distinct().Count().ShouldBeGreaterThanOrEqualTo(5);
    }

    [Fact]
    public async Task The_timeline_of_another_tenants_customer_is_a_404_and_a_bad_cursor_a_400()
    {
        var mine = await f.Demo.Http.CreateCustomerAsync();
        var other = await f.SignupAsync();
        (await other.Http.GetJsonAsync($"/api/v1/customers/{mine}/timeline")).ShouldBeProblem(404);
        (await f.Demo.Http.GetJsonAsync($"/api/v1/customers/{mine}/timeline?before=not-a-cursor")).ShouldBeProblem(400, "before");
        var own = (await f.Demo.Http.GetJsonAsync($"/api/v1/customers/{mine}/timeline")).Json!["data"]!.AsArray();
        own.Select(i => i!["kind"]!.GetValue<string>()).ShouldBe(["audit"]); // its creation
    }

    [Fact]
    public async Task Search_finds_customers_by_name_email_and_conversations_by_phone_within_the_tenant_only()
    {
        var h = f.Demo.Http;
        var id = await h.CreateCustomerAsync(new { name = "Zebedee Quartermain", email = "zq@search-test.example" });
        var byName = (await h.GetJsonAsync("/api/v1/search?q=quarterm")).Json!["data"]!.AsArray();
        byName.ShouldContain(x => x!["kind"]!.GetValue<string>() == "customer" && x["id"]!.GetValue<string>() == id.ToString()
                                  && x["href"]!.GetValue<string>() == $"/app/customers/{id}");
        (await h.GetJsonAsync("/api/v1/search?q=zq@search-test")).Json!["data"]!.AsArray().ShouldContain(x => x!["id"]!.GetValue<string>() == id.ToString());
        var phone = await f.CountAsync("SELECT count(*) FROM conversations WHERE organization_id = $1 AND customer_phone IS NOT NULL", f.Demo.OrganizationId);
        if (phone > 0)
        {
            await using var c = await f.OwnerAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT id, customer_phone FROM conversations WHERE organization_id = $1 AND customer_phone IS NOT NULL LIMIT 1", c);
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = f.Demo.OrganizationId });
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            var (conv, number) = (r.GetGuid(0), r.GetString(1));
            (await h.GetJsonAsync("/api/v1/search?q=" + Uri.EscapeDataString(number[^6..]))).Json!["data"]!.AsArray()
                .ShouldContain(x => x!["kind"]!.GetValue<string>() == "conversation" && x["id"]!.GetValue<string>() == conv.ToString());
        }
        (await h.GetJsonAsync("/api/v1/search?q=q")).Json!["data"]!.AsArray().ShouldBeEmpty(); // too short to answer
        (await h.GetJsonAsync("/api/v1/search?q=%25%25")).Json!["data"]!.AsArray().ShouldBeEmpty(); // % is literal, not "everything"
        var other = await f.SignupAsync();
        (await other.Http.GetJsonAsync("/api/v1/search?q=quarterm")).Json!["data"]!.AsArray().ShouldBeEmpty();
    }
}
