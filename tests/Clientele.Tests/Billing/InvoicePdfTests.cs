using System.Globalization;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Billing;

/// <summary>The host with an SMTP sink, for invoices sent by email.</summary>
public sealed class SmtpFixture : AppFixture
{
    public SmtpSink Smtp { get; private set; } = null!;

    protected override Dictionary<string, string?> Config => new()
    {
        ["Smtp:Host"] = Smtp.Host, ["Smtp:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture), ["Smtp:EnableSsl"] = "false",
        ["Smtp:FromAddress"] = "billing@clientele.test", ["Smtp:TimeoutSeconds"] = "10",
    };

    public override async Task InitializeAsync()
    {
        Smtp = await SmtpSink.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>Issue 10: invoice PDFs (PDFsharp, read back with PdfPig) and sending them.</summary>
public sealed class InvoicePdfTests(SmtpFixture app) : IClassFixture<SmtpFixture>
{
    private static string PdfText(byte[] bytes)
    {
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(bytes);
        return string.Join("\n", pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
    }

    [Fact]
    public async Task The_pdf_shows_the_number_both_parties_the_lines_the_credit_and_the_total()
    {
        var t = await app.SignupAsync("Northwind Billing");
        var customer = await t.Http.CreateCustomerAsync(new { company_name = "Acme Logistics" });
        await t.Http.PostOkAsync("/api/v1/credits", new { customer_id = customer, amount = 12.50m, credit_type = "goodwill" }, 201);
        var id = await t.Http.DraftAsync(customer, ("Premium plan", 1m, 99m), ("Seats", 5m, 19m));
        var number = (await t.Http.PostOkAsync($"/api/v1/invoices/{id}/finalize")).Str("invoice_number");

        var res = await t.Http.GetAsync($"/api/v1/invoices/{id}/pdf");
        res.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        var text = PdfText(await res.Content.ReadAsByteArrayAsync());
        text.ShouldContain(number);
        text.ShouldContain("Northwind Billing");
        text.ShouldContain("Acme Logistics");
        text.ShouldContain("Premium plan");
        text.ShouldContain("-12.50 USD");  // the credit applied
        text.ShouldContain("181.50 USD");  // 99 + 95 − 12.50

        var other = await app.SignupAsync();
        (await other.Http.GetAsync($"/api/v1/invoices/{id}/pdf")).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Send_mails_the_invoice_to_the_customer_with_its_pdf_attached()
    {
        var t = await app.SignupAsync();
        var email = $"ap-{Guid.NewGuid():N}@acme.test";
        var customer = await t.Http.CreateCustomerAsync(new { email });
        var id = await t.Http.DraftAsync(customer, ("Service", 1m, 42m));
        (await t.Http.PostJsonAsync($"/api/v1/invoices/{id}/send", new { })).ShouldBeProblem(409, "status");
        var number = (await t.Http.PostOkAsync($"/api/v1/invoices/{id}/finalize")).Str("invoice_number");

        var sent = await t.Http.PostOkAsync($"/api/v1/invoices/{id}/send");
        sent["sent_at"].ShouldNotBeNull();
        // The activity feed says it was sent (issue 13 item 2).
        (await t.Http.GetJsonAsync($"/api/v1/activity_logs?action_type=invoice.sent&resource_id={id}")).Json!["data"]!.AsArray()
            .Single()!["resource_name"]!.GetValue<string>().ShouldBe(number);
        var mail = (await Eventually.GetAsync(() => Task.FromResult(app.Smtp.Messages.FirstOrDefault(m => m.RcptTo.Contains(email))), m => m is not null, what: "the invoice email"))!;
        mail.Header("Subject")!.ShouldContain(number);
        mail.Header("Auto-Submitted").ShouldBe("auto-generated"); // composed by the product's MailKit relay (SmtpRelay)
        // The attachment, read back by MimeKit, is the invoice's PDF: PdfPig parses it and finds the number and total.
        var parsed = MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(mail.Raw)));
        var pdf = parsed.Attachments.OfType<MimeKit.MimePart>().Single();
        pdf.ContentType.MimeType.ShouldBe("application/pdf");
        pdf.FileName.ShouldBe($"{number}.pdf");
        using var bytes = new MemoryStream();
        await pdf.Content!.DecodeToAsync(bytes);
        var text = PdfText(bytes.ToArray());
        text.ShouldContain(number);
        text.ShouldContain("42.00 USD");
        parsed.TextBody!.ShouldContain("42.00 USD due on");
    }
}
