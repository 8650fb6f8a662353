using System.Net;
using Clientele.Modules.Sales.Quotes;
using Clientele.Tests.Billing;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Team;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Sales;

/// <summary>
/// Issue 12, quotes: lines validated and totalled by the database, gapless numbers under concurrency,
/// the PDF read back with PdfPig, sending through MailKit to a loopback SMTP sink, the public acceptance
/// link (valid, tampered, expired) moving the deal, and the expiry job.
/// </summary>
public sealed class QuoteTests(TeamFixture app) : IClassFixture<TeamFixture>
{
    private static readonly object[] Lines =
    [
        new { description = "Premium plan, 12 months", quantity = 2, unit_price = 100m, discount = 10 },
        new { description = "Onboarding package", quantity = 1, unit_price = 49.99m },
    ];

    private static async Task<(Guid Deal, Guid Customer, string Email)> DealAsync(HttpClient http, string stage = "proposal")
    {
        var email = TeamFixture.NewEmail("buyer");
        var customer = await http.CreateCustomerAsync(new { email, company_name = "Acme Logistics" });
        var deal = await http.DealAsync(new { name = "Acme – Premium", value = 229.99m, stage, customer_id = customer });
        return (deal, customer, email);
    }

    private static async Task<Guid> QuoteAsync(HttpClient http, Guid deal, Guid? customer = null, object[]? lines = null) =>
        Guid.Parse((await http.PostOkAsync("/api/v1/quotes", new { deal_id = deal, customer_id = customer, line_items = lines ?? Lines }, 201)).Str("id"));

    private async Task ExecAsync(string sql, params object[] args)
    {
        await using var conn = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Lines_are_validated_and_the_total_is_the_servers_and_bad_input_writes_nothing()
    {
        var t = await app.SignupAsync();
        var (deal, customer, _) = await DealAsync(t.Http);
        var id = await QuoteAsync(t.Http, deal, customer);
        var q = await t.Http.GetOkAsync($"/api/v1/quotes/{id}");
        q.Dec("total_amount").ShouldBe(229.99m); // 2 × 100 − 10 % + 49.99
        q["line_items"]![0]!.Dec("amount").ShouldBe(180m);
        q["line_items"]![1]!.Dec("discount").ShouldBe(0m);
        q["quote_number"].ShouldBeNull();
        q.Str("status").ShouldBe("draft");

        foreach (var bad in new object[]
                 {
                     new { description = "No quantity", unit_price = 10 },
                     new { description = "Zero", quantity = 0, unit_price = 10 },
                     new { description = "", quantity = 1, unit_price = 10 },
                     new { description = "Negative", quantity = 1, unit_price = -1 },
                     new { description = "Too much off", quantity = 1, unit_price = 10, discount = 150 },
                     new { description = "Text price", quantity = 1, unit_price = "ten" },
                     new { description = "Unknown", quantity = 1, unit_price = 10, sku = "X" },
                 })
            (await t.Http.PostJsonAsync("/api/v1/quotes", new { deal_id = deal, line_items = new[] { bad } })).ShouldBeProblem(422, "line_items");
        (await t.Http.PostJsonAsync("/api/v1/quotes", new { deal_id = deal, line_items = Lines, total_amount = 1m })).ShouldBeProblem(422, "total_amount");
        (await t.Http.PostJsonAsync("/api/v1/quotes", new { deal_id = deal, line_items = Lines, quote_number = "Q-1" })).ShouldBeProblem(422, "quote_number");
        (await t.Http.PostJsonAsync("/api/v1/quotes", new { deal_id = deal, line_items = Lines, status = "accepted" })).ShouldBeProblem(422, "status");
        (await t.Http.CountAsync("quotes")).ShouldBe(1);

        // A draft's lines change and the total follows; a bad change leaves it as it was.
        var patched = await t.Http.PatchJsonAsync($"/api/v1/quotes/{id}", new { line_items = new[] { new { description = "Seats", quantity = 3, unit_price = 19.99m, discount = 5 } } });
        patched.Json!.Dec("total_amount").ShouldBe(56.97m); // 59.97 × 95 % = 56.9715
        (await t.Http.PatchJsonAsync($"/api/v1/quotes/{id}", new { line_items = new[] { new { description = "Seats", quantity = -3, unit_price = 19.99m } } })).ShouldBeProblem(422, "line_items");
        (await t.Http.GetOkAsync($"/api/v1/quotes/{id}")).Dec("total_amount").ShouldBe(56.97m);

        var other = await app.SignupAsync();
        (await other.Http.GetAsync($"/api/v1/quotes/{id}/pdf")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.Http.PostJsonAsync($"/api/v1/quotes/{id}/send", new { })).ShouldBeProblem(404);
    }

    [Fact]
    public async Task Twenty_quotes_sent_at_once_get_distinct_consecutive_numbers_and_a_refused_mail_gives_its_number_back()
    {
        var t = await app.SignupAsync();
        var (deal, customer, email) = await DealAsync(t.Http);
        var ids = new List<Guid>();
        for (var i = 0; i < 21; i++) ids.Add(await QuoteAsync(t.Http, deal, customer));

        // The relay refuses the first one: no number is used up, the quote stays a draft.
        app.Smtp.FailNext(1, 550, email);
        (await t.Http.PostJsonAsync($"/api/v1/quotes/{ids[20]}/send", new { })).ShouldBeProblem(422, "email");
        var refused = await t.Http.GetOkAsync($"/api/v1/quotes/{ids[20]}");
        refused.Str("status").ShouldBe("draft");
        refused["quote_number"].ShouldBeNull();

        var results = await Task.WhenAll(ids.Take(20).Select(id => t.Http.PostJsonAsync($"/api/v1/quotes/{id}/send", new { })));
        results.ShouldAllBe(r => r.Status == HttpStatusCode.OK);
        var year = DateTime.UtcNow.Year;
        results.Select(r => r.Json!.Str("quote_number")).Order().ShouldBe(Enumerable.Range(1, 20).Select(n => $"Q-{year}-{n:000000}"));
        results.ShouldAllBe(r => r.Json!.Str("status") == "sent");
        app.Smtp.To(email).Count().ShouldBe(20);
        (await t.Http.GetJsonAsync("/api/v1/activity_logs?action_type=quote.sent&limit=200")).Json!["data"]!.AsArray().Count.ShouldBe(20);

        // A resend keeps the number; a sent quote's lines are fixed.
        var first = results[0].Json!.Str("quote_number");
        (await t.Http.PostOkAsync($"/api/v1/quotes/{ids[0]}/send", new { })).Str("quote_number").ShouldBe(first);
        (await t.Http.PatchJsonAsync($"/api/v1/quotes/{ids[0]}", new { line_items = Lines })).ShouldBeProblem(422, "line_items");

        // Each organization counts on its own.
        var other = await app.SignupAsync();
        var (d2, c2, _) = await DealAsync(other.Http);
        var q2 = await QuoteAsync(other.Http, d2, c2);
        (await other.Http.PostOkAsync($"/api/v1/quotes/{q2}/send", new { })).Str("quote_number").ShouldBe($"Q-{year}-000001");
    }

    [Fact]
    public async Task The_pdf_shows_the_number_both_parties_the_lines_and_the_total()
    {
        var t = await app.SignupAsync("Northwind Sales");
        var (deal, customer, _) = await DealAsync(t.Http);
        var id = await QuoteAsync(t.Http, deal, customer);
        var number = (await t.Http.PostOkAsync($"/api/v1/quotes/{id}/send", new { })).Str("quote_number");

        var res = await t.Http.GetAsync($"/api/v1/quotes/{id}/pdf");
        res.StatusCode.ShouldBe(HttpStatusCode.OK);
        res.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(await res.Content.ReadAsByteArrayAsync());
        var text = string.Join("\n", pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
        text.ShouldContain(number);
        text.ShouldContain("Northwind Sales");
        text.ShouldContain("Acme Logistics");
        text.ShouldContain("Onboarding package");
        text.ShouldContain("10%");
        text.ShouldContain("180.00 USD");
        text.ShouldContain("229.99 USD");
    }

    [Fact]
    public async Task The_emailed_link_accepts_the_quote_without_sign_in_and_moves_the_deal_while_tampered_and_expired_links_change_nothing()
    {
        var t = await app.SignupAsync("Contoso Sales");
        var (deal, customer, email) = await DealAsync(t.Http);
        var id = await QuoteAsync(t.Http, deal, customer);
        var sent = await t.Http.PostOkAsync($"/api/v1/quotes/{id}/send", new { });
        var mail = app.LastTo(email);
        (mail.Subject ?? "").ShouldContain(sent.Str("quote_number"));
        mail.Attachments.ShouldHaveSingleItem().ContentType.MimeType.ShouldBe("application/pdf");
        var link = TeamFixture.LinkIn(mail, "/quotes/accept/");

        using var visitor = app.Anonymous();
        var page = await visitor.Http.GetAsync(link);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain(sent.Str("quote_number"));
        html.ShouldContain("229.99");

        // One character changed: the signature fails, the page says so and nothing changes.
        var token = link["/quotes/accept/".Length..];
        var mid = token.Length / 2;
        var tampered = "/quotes/accept/" + token[..mid] + (token[mid] == 'A' ? 'B' : 'A') + token[(mid + 1)..];
        (await visitor.Http.GetAsync(tampered)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await visitor.PostFormAsync(tampered, new() { ["answer"] = "accept" }, formPage: link)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // A genuine token past its expiry: 410, and an accept posted with it changes nothing.
        var tokens = app.App.Services.GetRequiredService<QuoteTokens>();
        var expired = "/quotes/accept/" + tokens.Issue(new QuoteLink(t.OrganizationId, id, DateTimeOffset.UtcNow.AddMinutes(-1)));
        (await visitor.Http.GetAsync(expired)).StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await visitor.PostFormAsync(expired, new() { ["answer"] = "accept" }, formPage: link)).StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await t.Http.GetOkAsync($"/api/v1/quotes/{id}")).Str("status").ShouldBe("sent");
        (await t.Http.GetOkAsync($"/api/v1/deals/{deal}")).Str("stage").ShouldBe("proposal");

        var accepted = await visitor.PostFormAsync(link, new() { ["answer"] = "accept" });
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await accepted.Content.ReadAsStringAsync()).ShouldContain("You accepted this quote");
        var q = await t.Http.GetOkAsync($"/api/v1/quotes/{id}");
        q.Str("status").ShouldBe("accepted");
        q["accepted_at"].ShouldNotBeNull();
        var d = await t.Http.GetOkAsync($"/api/v1/deals/{deal}");
        d.Str("stage").ShouldBe("negotiation"); // the default on_accept
        d.Int("probability").ShouldBe(75);

        // Configured to close: accepting wins the deal.
        var id2 = await QuoteAsync(t.Http, deal, customer);
        await t.Http.PostOkAsync($"/api/v1/quotes/{id2}/send", new { on_accept = "closed_won" });
        using var visitor2 = app.Anonymous();
        (await visitor2.PostFormAsync(TeamFixture.LinkIn(app.LastTo(email), "/quotes/accept/"), new() { ["answer"] = "accept" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var won = await t.Http.GetOkAsync($"/api/v1/deals/{deal}");
        won.Str("stage").ShouldBe("closed_won");
        won["closed_at"].ShouldNotBeNull();
        (await t.Http.PostJsonAsync($"/api/v1/quotes/{id}/send", new { on_accept = "later" })).ShouldBeProblem(422, "on_accept");
        (await t.Http.PostJsonAsync($"/api/v1/quotes/{id}/send", new { })).ShouldBeProblem(409, "status");
    }

    [Fact]
    public async Task The_expiry_job_expires_sent_quotes_past_valid_until_and_their_link_then_says_so()
    {
        var t = await app.SignupAsync();
        var (deal, customer, email) = await DealAsync(t.Http);
        var late = await QuoteAsync(t.Http, deal, customer);
        var current = await QuoteAsync(t.Http, deal, customer);
        await t.Http.PostOkAsync($"/api/v1/quotes/{current}/send", new { });
        await t.Http.PostOkAsync($"/api/v1/quotes/{late}/send", new { valid_until = DateTime.UtcNow.AddDays(1) });
        var link = TeamFixture.LinkIn(app.LastTo(email), "/quotes/accept/");
        await ExecAsync("UPDATE quotes SET valid_until = now() - interval '1 minute' WHERE id = $1", late);

        var expired = await app.App.Services.GetRequiredService<QuoteExpiry>().RunAsync(DateTime.UtcNow, CancellationToken.None);
        expired.ShouldBeGreaterThanOrEqualTo(1);
        (await t.Http.GetOkAsync($"/api/v1/quotes/{late}")).Str("status").ShouldBe("expired");
        (await t.Http.GetOkAsync($"/api/v1/quotes/{current}")).Str("status").ShouldBe("sent");
        using var visitor = app.Anonymous();
        (await visitor.Http.GetAsync(link)).StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await t.Http.PostJsonAsync($"/api/v1/quotes/{late}/send", new { })).ShouldBeProblem(409, "status");
    }
}
