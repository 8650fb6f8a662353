using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Clientele.Modules.Billing.Pdf;
using Clientele.Tests.Infrastructure;
using Npgsql;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Success;

/// <summary>A host whose contract uploads are limited to 4 KB, so the size check is cheap to test.</summary>
public sealed class ContractsFixture : AppFixture
{
    protected override Dictionary<string, string?> Config => new() { ["Success:ContractMaxBytes"] = "65536" };
}

/// <summary>Issue 11 item 7: contracts uploaded, stored, parsed with evidence into entitlements, and their end date feeding renewals.</summary>
public sealed class ContractTests(ContractsFixture app) : IClassFixture<ContractsFixture>
{
    private static string Day(int offset) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Contract(string company) => $"""
        MASTER SUBSCRIPTION AGREEMENT
        This agreement is made between Northwind Software (the "Provider") and {company}.
        Customer: {company}
        Effective Date: {Day(-265)}
        The initial term of 12 months starts on the Effective Date.
        End Date: {Day(100)}
        Annual contract value: USD 48,000.00, invoiced annually, payment terms net 30.
        Order: 40 Analyst seats at $75 per seat per month; 2 Premium support packages at $1,200 each.
        The service provides single sign-on (SAML SSO) and a 99.9% uptime SLA.
        """;

    private static async Task<(HttpStatusCode Status, JsonNode? Json)> UploadAsync(AppFixture.Tenant t, byte[] bytes, string fileName, string contentType, Guid? customer = null)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        form.Add(file, "file", fileName);
        if (customer is { } c) form.Add(new StringContent(c.ToString()), "customer_id");
        var res = await t.Http.PostAsync("/api/v1/contracts", form);
        var text = await res.Content.ReadAsStringAsync();
        return (res.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    [Fact]
    public async Task A_text_contract_is_stored_parsed_with_evidence_into_entitlements_and_once_active_its_end_date_is_the_renewal()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync(new { name = "Harbor Freight Analytics", company_name = "Harbor Freight Analytics", arr = 48000 });
        var bytes = Encoding.UTF8.GetBytes(Contract("Harbor Freight Analytics"));
        var (status, json) = await UploadAsync(t, bytes, "harbor-msa.txt", "text/plain");
        status.ShouldBe(HttpStatusCode.Created, json?.ToJsonString());
        var c = json!;
        var id = c["id"]!.GetValue<string>();
        c["status"]!.GetValue<string>().ShouldBe("pending");
        c["customer_id"]!.GetValue<string>().ShouldBe(customer.ToString()); // matched by the company the contract names
        c["company_name"]!.GetValue<string>().ShouldBe("Harbor Freight Analytics");
        c["arr"]!.GetValue<decimal>().ShouldBe(48000m);
        c["contract_term"]!.GetValue<string>().ShouldBe("12 months");
        c["start_date"]!.GetValue<string>().ShouldBe(Day(-265));
        c["end_date"]!.GetValue<string>().ShouldBe(Day(100));
        c["parsed_data"]!["evidence"]!["arr"]!.GetValue<string>().ShouldContain("USD 48,000.00");
        c["parsed_data"]!["customer_matched_by"]!.GetValue<string>().ShouldBe("company_name");
        c["missing_info"]!.AsArray().ShouldBeEmpty();
        c["technical_requirements"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldContain(x => x.Contains("SAML SSO"));
        c["pricing_terms"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldContain(x => x.Contains("net 30"));

        var ents = (await t.Http.GetJsonAsync($"/api/v1/entitlements?contract_id={id}&order=name")).Json!["data"]!.AsArray();
        ents.Count.ShouldBe(2);
        ents[0]!["name"]!.GetValue<string>().ShouldBe("Analyst seats");
        ents[0]!["quantity"]!.GetValue<int>().ShouldBe(40);
        ents[0]!["unit"]!.GetValue<string>().ShouldBe("seat");
        ents[0]!["price"]!.GetValue<decimal>().ShouldBe(75m);
        ents[0]!["category"]!.GetValue<string>().ShouldBe("seats");
        ents[0]!["metadata"]!["evidence"]!.GetValue<string>().ShouldContain("40 Analyst seats at $75");
        ents[1]!["quantity"]!.GetValue<int>().ShouldBe(2);
        ents[1]!["price"]!.GetValue<decimal>().ShouldBe(1200m);

        var file = await t.Http.GetAsync($"/api/v1/contracts/{id}/file");
        (await file.Content.ReadAsByteArrayAsync()).ShouldBe(bytes);

        // Pending: nothing feeds the renewal pipeline yet. Activated: its end date is the renewal, created at once.
        await t.Http.PostJsonAsync($"/api/v1/customers/{customer}/recompute_health", new { });
        (await t.Http.GetJsonAsync($"/api/v1/renewal_pipeline?customer_id={customer}")).Json!["data"]!.AsArray().ShouldBeEmpty();
        var active = await t.Http.PostJsonAsync($"/api/v1/contracts/{id}/activate", new { });
        active.Status.ShouldBe(HttpStatusCode.OK, active.Json?.ToJsonString());
        active.Json!["status"]!.GetValue<string>().ShouldBe("active");
        var renewal = (await t.Http.GetJsonAsync($"/api/v1/renewal_pipeline?customer_id={customer}")).Json!["data"]!.AsArray().Single()!;
        renewal["renewal_date"]!.GetValue<string>().ShouldBe(Day(100));
        renewal["current_arr"]!.GetValue<decimal>().ShouldBe(48000m);
        (await t.Http.PostJsonAsync($"/api/v1/contracts/{id}/activate", new { })).ShouldBeProblem(409);

        var other = await app.SignupAsync();
        (await other.Http.GetAsync($"/api/v1/contracts/{id}/file")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.Http.PostJsonAsync($"/api/v1/contracts/{id}/activate", new { })).ShouldBeProblem(404);
    }

    [Fact]
    public async Task A_pdf_contract_is_read_with_its_text_layer_and_bad_files_change_nothing()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync(new { name = "Pdf Buyer" });
        var (status, json) = await UploadAsync(t, Pdf(["Customer: Pdf Buyer Ltd", "Annual contract value: USD 12,000.00.", "Order: 10 Editor seats at $100 per seat per month."]),
            "buyer.pdf", "application/pdf", customer);
        status.ShouldBe(HttpStatusCode.Created, json?.ToJsonString());
        json!["customer_id"]!.GetValue<string>().ShouldBe(customer.ToString());
        json["arr"]!.GetValue<decimal>().ShouldBe(12000m);
        json["missing_info"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldBe(["start_date", "end_date"], ignoreOrder: true);
        json["next_steps"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldContain(x => x.Contains("end or renewal date"));
        var ents = (await t.Http.GetJsonAsync($"/api/v1/entitlements?contract_id={json["id"]}")).Json!["data"]!.AsArray();
        ents.Single()!["name"]!.GetValue<string>().ShouldBe("Editor seats");
        ents.Single()!["quantity"]!.GetValue<int>().ShouldBe(10);

        (await UploadAsync(t, [], "empty.txt", "text/plain")).Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var big = await UploadAsync(t, Encoding.UTF8.GetBytes(new string('a', 70_000)), "big.txt", "text/plain");
        big.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        big.Json!["errors"]!["file"].ShouldNotBeNull();
        (await UploadAsync(t, [0x00, 0x01, 0x02, 0xff, 0xfe], "junk.bin", "application/octet-stream")).Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await UploadAsync(t, Encoding.ASCII.GetBytes("%PDF-1.4 not really"), "fake.pdf", "application/pdf")).Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await UploadAsync(t, Encoding.UTF8.GetBytes("Customer: X"), "x.txt", "text/plain", Guid.NewGuid())).Json!["errors"]!["customer_id"].ShouldNotBeNull();
        using (var noFile = new MultipartFormDataContent { { new StringContent("x"), "note" } })
            ((int)(await t.Http.PostAsync("/api/v1/contracts", noFile)).StatusCode).ShouldBe(422);

        // Storage counts the stored files: past the plan's max_storage the upload is refused (402) and nothing is written.
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new NpgsqlCommand("UPDATE organizations SET max_storage = (SELECT sum(size_bytes) FROM contract_files WHERE organization_id = $1) + 100 WHERE id = $1", conn))
        {
            cmd.Parameters.AddWithValue(t.OrganizationId);
            await cmd.ExecuteNonQueryAsync();
        }
        (await UploadAsync(t, Encoding.UTF8.GetBytes(Contract("Over Limit") ), "over.txt", "text/plain")).Status.ShouldBe(HttpStatusCode.PaymentRequired);
        (await t.Http.GetJsonAsync("/api/v1/contracts")).Json!["data"]!.AsArray().Count.ShouldBe(1);
        (await t.Http.PostJsonAsync("/api/v1/contracts", new { company_name = "Typed by hand", status = "draft" })).Status.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Create_subscription_waits_for_approval_then_creates_exactly_one_subscription_with_the_contracts_terms()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync(new { name = "Tidewater Labs", company_name = "Tidewater Labs" });
        var (_, json) = await UploadAsync(t, Encoding.UTF8.GetBytes(Contract("Tidewater Labs") + "\nPlan: Enterprise plan, billed annually.\n"), "tidewater.txt", "text/plain");
        var id = json!["id"]!.GetValue<string>();
        async Task<JsonArray> SubscriptionsAsync() => (await t.Http.GetJsonAsync($"/api/v1/subscriptions?customer_id={customer}")).Json!["data"]!.AsArray();

        var asked = await t.Http.PostJsonAsync($"/api/v1/contracts/{id}/create_subscription", new { });
        asked.Status.ShouldBe(HttpStatusCode.Accepted, asked.Json?.ToJsonString());
        asked.Json!["status"]!.GetValue<string>().ShouldBe("pending");
        var approval = asked.Json["approval_id"]!.GetValue<string>();
        (await SubscriptionsAsync()).ShouldBeEmpty(); // pending: nothing created
        var again = await t.Http.PostJsonAsync($"/api/v1/contracts/{id}/create_subscription", new { });
        again.Status.ShouldBe(HttpStatusCode.OK);
        again.Json!["approval_id"]!.GetValue<string>().ShouldBe(approval); // the same approval, not a second one
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new NpgsqlCommand("SELECT count(*) FROM approvals WHERE organization_id = $1 AND action = 'create_subscription'", conn))
        {
            cmd.Parameters.AddWithValue(t.OrganizationId);
            ((long)(await cmd.ExecuteScalarAsync())!).ShouldBe(1);
        }

        var approved = await t.Http.PostJsonAsync($"/api/v1/approvals/{approval}/approve", new { comment = "Signed" });
        approved.Json!["status"]!.GetValue<string>().ShouldBe("executed", approved.Json.ToJsonString());
        var sub = (await SubscriptionsAsync()).Single()!;
        sub["plan"]!.GetValue<string>().ShouldBe("enterprise");
        sub["billing_cycle"]!.GetValue<string>().ShouldBe("annual");
        sub["seats_total"]!.GetValue<int>().ShouldBe(40); // the seat entitlement
        sub["arr"]!.GetValue<decimal>().ShouldBe(48000m);
        sub["mrr"]!.GetValue<decimal>().ShouldBe(4000m);
        sub["status"]!.GetValue<string>().ShouldBe("active");
        DateTime.Parse(sub["current_period_start"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal).ToString("yyyy-MM-dd").ShouldBe(Day(-265));
        sub["extra_metadata"]!["contract_id"]!.GetValue<string>().ShouldBe(id);
        approved.Json["metadata"]!["execution"]!["result"]!["subscription_id"]!.GetValue<string>().ShouldBe(sub["id"]!.GetValue<string>());
        (await t.Http.GetJsonAsync($"/api/v1/customers/{customer}")).Json!["arr"]!.GetValue<decimal>().ShouldBe(48000m);

        // Idempotent: a second approval and a second request create nothing more.
        (await t.Http.PostJsonAsync($"/api/v1/approvals/{approval}/approve", new { })).ShouldBeProblem(409);
        var after = await t.Http.PostJsonAsync($"/api/v1/contracts/{id}/create_subscription", new { });
        after.Status.ShouldBe(HttpStatusCode.OK);
        after.Json!["status"]!.GetValue<string>().ShouldBe("executed");
        after.Json["subscription_id"]!.GetValue<string>().ShouldBe(sub["id"]!.GetValue<string>());
        (await SubscriptionsAsync()).Count.ShouldBe(1);

        var other = await app.SignupAsync();
        (await other.Http.PostJsonAsync($"/api/v1/contracts/{id}/create_subscription", new { })).ShouldBeProblem(404);
    }

    [Fact]
    public async Task A_refused_subscription_creates_nothing_and_a_contract_without_customer_plan_or_arr_is_a_409_naming_them()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync(new { name = "Refused Co", company_name = "Refused Co" });
        var (_, json) = await UploadAsync(t, Encoding.UTF8.GetBytes(Contract("Refused Co") + "\nThe Premium plan applies.\n"), "refused.txt", "text/plain");
        var id = json!["id"]!.GetValue<string>();
        var approval = (await t.Http.PostJsonAsync($"/api/v1/contracts/{id}/create_subscription", new { })).Json!["approval_id"]!.GetValue<string>();
        var rejected = await t.Http.PostJsonAsync($"/api/v1/approvals/{approval}/reject", new { comment = "Wrong plan" });
        rejected.Json!["status"]!.GetValue<string>().ShouldBe("rejected");
        (await t.Http.GetJsonAsync($"/api/v1/subscriptions?customer_id={customer}")).Json!["data"]!.AsArray().ShouldBeEmpty();
        (await t.Http.GetJsonAsync($"/api/v1/contracts/{id}/subscription_request")).Json!["status"]!.GetValue<string>().ShouldBe("rejected");
        // After a refusal it can be asked again: a new approval.
        var retry = await t.Http.PostJsonAsync($"/api/v1/contracts/{id}/create_subscription", new { });
        retry.Status.ShouldBe(HttpStatusCode.Accepted);
        retry.Json!["approval_id"]!.GetValue<string>().ShouldNotBe(approval);

        // No customer, no plan (none named, no catalogue), no ARR: 409 naming each, no approval queued.
        var (_, bare) = await UploadAsync(t, Encoding.UTF8.GetBytes("Customer: Nobody We Know\nOrder: 5 Editor seats at $10 per seat per month."), "bare.txt", "text/plain");
        var missing = await t.Http.PostJsonAsync($"/api/v1/contracts/{bare!["id"]}/create_subscription", new { });
        missing.ShouldBeProblem(409);
        missing.Json!["errors"]!["customer_id"].ShouldNotBeNull();
        missing.Json["errors"]!["plan"].ShouldNotBeNull();
        missing.Json["errors"]!["arr"].ShouldNotBeNull();
        (await t.Http.GetAsync($"/api/v1/contracts/{bare["id"]}/subscription_request")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static byte[] Pdf(string[] lines)
    {
        InvoiceFonts.EnsureInstalled();
        var doc = new PdfDocument();
        var page = doc.AddPage();
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            var font = new XFont(InvoiceFonts.Family, 11, XFontStyleEx.Regular);
            for (var i = 0; i < lines.Length; i++) gfx.DrawString(lines[i], font, XBrushes.Black, new XPoint(50, 80 + i * 20));
        }
        using var ms = new MemoryStream();
        doc.Save(ms, false);
        return ms.ToArray();
    }
}
