using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Clientele.Modules.Channels;
using Clientele.Modules.Email;
using Clientele.Platform.Jobs;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>The host with inbound email signed by a shared secret and outbound mail through a local SMTP sink.</summary>
public sealed class EmailFixture : ChannelsFixture
{
    public const string InboundSecret = "test-email-inbound-secret";
    public const string DefaultFrom = "noreply@clientele.test";
    public SmtpSink Smtp { get; private set; } = null!;

    protected override Dictionary<string, string?> Config
    {
        get
        {
            var c = base.Config;
            c["Email:InboundSecret"] = InboundSecret;
            c["Smtp:Host"] = Smtp.Host;
            c["Smtp:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture);
            c["Smtp:EnableSsl"] = "false";
            c["Smtp:FromAddress"] = DefaultFrom;
            c["Smtp:TimeoutSeconds"] = "10";
            return c;
        }
    }

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

    public sealed record EmailChannel(Tenant Tenant, Guid Id, string Address, Guid AgentId);

    /// <summary>A tenant with an email channel (no token) and an agent on it, made through the API.</summary>
    public async Task<EmailChannel> EmailChannelAsync(JsonObject? settings = null)
    {
        var t = await SignupAsync();
        var address = $"support-{Guid.NewGuid():N}"[..20] + "@acme.test";
        var body = new JsonObject { ["platform"] = "email", ["meta_phone_number_id"] = address, ["display_name"] = "Support inbox" };
        if (settings is not null) body["settings"] = settings;
        var channel = await t.Http.PostJsonAsync("/api/v1/phone_numbers", body);
        channel.Status.ShouldBe(HttpStatusCode.Created, channel.Json?.ToJsonString());
        var id = Guid.Parse(channel.Json!["id"]!.GetValue<string>());
        var agent = await t.Http.PostJsonAsync("/api/v1/agents", new { phone_number_id = id, prompt_id = "support-default", name = "Iris" });
        agent.Status.ShouldBe(HttpStatusCode.Created, agent.Json?.ToJsonString());
        return new EmailChannel(t, id, address, Guid.Parse(agent.Json!["id"]!.GetValue<string>()));
    }

    public static string Sign(string body, string secret = InboundSecret) =>
        "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))).ToLowerInvariant();

    public static string NewMessageId(string domain = "mail.example.test") => $"<{Guid.NewGuid():N}@{domain}>";

    public static JsonObject Email(string to, string from, string? name, string subject, string text, string messageId, string? inReplyTo = null, params string[] references) => new()
    {
        ["to"] = to,
        ["from"] = new JsonObject { ["email"] = from, ["name"] = name },
        ["subject"] = subject,
        ["text"] = text,
        ["message_id"] = messageId,
        ["in_reply_to"] = inReplyTo,
        ["references"] = new JsonArray(references.Select(r => (JsonNode)r).ToArray()),
        ["date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture),
    };

    /// <summary>POSTs the email to /webhooks/email, signed unless told otherwise ("" = no header).</summary>
    public async Task<HttpResponseMessage> PostEmailAsync(JsonObject email, string? signature = null, string? rawBody = null)
    {
        var body = email.ToJsonString();
        using var req = new HttpRequestMessage(HttpMethod.Post, "/webhooks/email") { Content = new StringContent(rawBody ?? body, Encoding.UTF8) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        signature ??= Sign(body);
        if (signature.Length > 0) req.Headers.TryAddWithoutValidation(EmailWebhookApi.SignatureHeader, signature);
        using var c = Client();
        return await c.SendAsync(req);
    }
}

/// <summary>Issue 4, item 6: the email channel end to end — signed inbound JSON, threading, SMTP replies, retries and failures.</summary>
public sealed class EmailChannelTests(EmailFixture app) : IClassFixture<EmailFixture>
{
    private async Task<JsonObject> ConversationWithAsync(AppFixture.Tenant t, string handle) =>
        (await Eventually.GetAsync(async () => (await app.ConversationsAsync(t)).FirstOrDefault(c => c!["customer_phone"]?.GetValue<string>() == handle),
            c => c is not null, what: $"a conversation with {handle}"))!.AsObject();

    private Task<JsonArray> MessagesWhenAsync(AppFixture.Tenant t, Guid conversation, Func<JsonArray, bool> done, string what) =>
        Eventually.GetAsync(() => app.MessagesAsync(t, conversation), done, what: what);

    private static Guid IdOf(JsonNode node) => Guid.Parse(node["id"]!.GetValue<string>());

    private static bool AllSent(JsonArray messages) =>
        messages.All(m => m!["role"]!.GetValue<string>() == "user" || m["status"]?.GetValue<string>() == "sent");

    private async Task<SmtpSink.Received> MailAsync(string to, int count = 1) =>
        (await Eventually.GetAsync(() => Task.FromResult(app.Smtp.To(to).ToList()), l => l.Count >= count, what: $"{count} mail(s) to {to}"))[count - 1];

    /// <summary>The received mail parsed by MimeKit (text and HTML parts decoded).</summary>
    private static MimeKit.MimeMessage Mime(SmtpSink.Received r) => MimeKit.MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(r.Raw)));

    private static async Task<JsonNode> JsonOf(HttpResponseMessage res) => JsonNode.Parse(await res.Content.ReadAsStringAsync())!;

    [Fact]
    public async Task An_email_channel_needs_no_token_and_keeps_its_address_lower_case()
    {
        var t = await app.SignupAsync();
        var address = $"Help-{Guid.NewGuid():N}"[..16] + "@Acme.TEST";
        var created = await t.Http.PostJsonAsync("/api/v1/phone_numbers", new
        {
            platform = "email", meta_phone_number_id = address, display_name = "Help desk",
            settings = new { from_address = "help@acme.test", from_name = "Acme Help" },
        });
        created.Status.ShouldBe(HttpStatusCode.Created, created.Json?.ToJsonString());
        created.Json!["meta_phone_number_id"]!.GetValue<string>().ShouldBe(address.ToLowerInvariant());
        created.Json["settings"]!["from_name"]!.GetValue<string>().ShouldBe("Acme Help");
        created.Json.AsObject().ContainsKey("access_token").ShouldBeFalse();

        (await t.Http.PostJsonAsync("/api/v1/phone_numbers", new { platform = "email", meta_phone_number_id = "not an address" }))
            .ShouldBeProblem(422, "meta_phone_number_id");
        (await t.Http.PostJsonAsync("/api/v1/phone_numbers", new { platform = "email", meta_phone_number_id = "ok@acme.test", settings = new { from_address = "nope" } }))
            .ShouldBeProblem(422, "settings");
        // The address is the channel's identity across organizations, whatever its case.
        var other = await app.SignupAsync();
        (await other.Http.PostJsonAsync("/api/v1/phone_numbers", new { platform = "email", meta_phone_number_id = address.ToUpperInvariant() })).Status.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_signed_email_becomes_a_conversation_and_the_reply_goes_out_over_smtp_with_threading_headers()
    {
        var ch = await app.EmailChannelAsync(new JsonObject { ["from_address"] = "help@acme.test", ["from_name"] = "Acme Support" });
        var customer = $"grace-{Guid.NewGuid():N}"[..14] + "@example.test";
        var first = EmailFixture.NewMessageId();
        var res = await app.PostEmailAsync(EmailFixture.Email(ch.Address.ToUpperInvariant(), customer.ToUpperInvariant(), "Grace Hopper", "Invoice question",
            "Hi,\r\nmy invoice for March is wrong.\r\nGrace", first));
        res.StatusCode.ShouldBe(HttpStatusCode.OK);
        var ack = await JsonOf(res);
        ack["received"]!.GetValue<int>().ShouldBe(1);
        ack["new"]!.GetValue<int>().ShouldBe(1);
        ack["unrouted"]!.GetValue<int>().ShouldBe(0);

        var conversation = await ConversationWithAsync(ch.Tenant, customer);
        conversation["channel"]!.GetValue<string>().ShouldBe("email");
        conversation["agent_id"]!.GetValue<string>().ShouldBe(ch.AgentId.ToString());
        conversation["extra_metadata"]!["subject"]!.GetValue<string>().ShouldBe("Invoice question");
        var cid = IdOf(conversation);

        // The customer was created by email, with the sender's name.
        var person = (await ch.Tenant.Http.GetJsonAsync($"/api/v1/customers/{conversation["customer_id"]}")).Json!;
        person["email"]!.GetValue<string>().ShouldBe(customer);
        person["name"]!.GetValue<string>().ShouldBe("Grace Hopper");

        var messages = await MessagesWhenAsync(ch.Tenant, cid, m => m.Count == 2 && AllSent(m), "the acknowledgement to be sent");
        var inbound = messages[0]!;
        inbound["role"]!.GetValue<string>().ShouldBe("user");
        inbound["content"]!.GetValue<string>().ShouldBe("Hi,\r\nmy invoice for March is wrong.\r\nGrace".ReplaceLineEndings("\n"));
        inbound["platform_message_id"]!.GetValue<string>().ShouldBe(first);
        inbound["extra_metadata"]!["subject"]!.GetValue<string>().ShouldBe("Invoice question");
        inbound["extra_metadata"]!["email"]!.GetValue<string>().ShouldBe(customer);
        var reply = messages[1]!;
        reply["role"]!.GetValue<string>().ShouldBe("assistant");
        reply["content"]!.GetValue<string>().ShouldContain("Grace");
        var replyMessageId = reply["platform_message_id"]!.GetValue<string>();
        replyMessageId.ShouldBe($"<{reply["id"]!.GetValue<string>()}@acme.test>");

        var mail = await MailAsync(customer);
        mail.MailFrom.ShouldBe("help@acme.test");
        mail.RcptTo.ShouldBe(new[] { customer });
        app.Smtp.Commands.ShouldContain(c => c.StartsWith("EHLO ", StringComparison.Ordinal));
        mail.Header("From")!.ShouldContain("Acme Support");
        mail.Header("From")!.ShouldContain("<help@acme.test>");
        mail.Header("To")!.ShouldContain(customer);
        mail.Header("Reply-To")!.ShouldContain(ch.Address); // replies come back to the inbound address
        mail.Header("Subject").ShouldBe("Re: Invoice question");
        mail.Header("Message-ID").ShouldBe(replyMessageId);
        mail.Header("In-Reply-To").ShouldBe(first);
        mail.Header("References").ShouldBe(first);
        mail.Header("Date").ShouldNotBeNull();
        Mime(mail).TextBody!.ShouldContain(reply["content"]!.GetValue<string>());
        var status = (await ch.Tenant.Http.GetJsonAsync($"/api/v1/message_delivery_status?message_id={reply["id"]}")).Json!["data"]![0]!;
        status["status"]!.GetValue<string>().ShouldBe("sent");
        status["platform_message_id"]!.GetValue<string>().ShouldBe(replyMessageId);

        // The customer answers our mail: same conversation, and our next reply continues the chain.
        var second = EmailFixture.NewMessageId();
        (await app.PostEmailAsync(EmailFixture.Email(ch.Address, customer, "Grace Hopper", "Re: Invoice question", "It says 40 seats, we have 25.", second,
            replyMessageId, first, replyMessageId))).StatusCode.ShouldBe(HttpStatusCode.OK);
        messages = await MessagesWhenAsync(ch.Tenant, cid, m => m.Count == 4 && AllSent(m), "the second reply");
        messages[2]!["platform_message_id"]!.GetValue<string>().ShouldBe(second);
        var secondMail = await MailAsync(customer, 2);
        secondMail.Header("Subject").ShouldBe("Re: Invoice question"); // no "Re: Re:"
        secondMail.Header("In-Reply-To").ShouldBe(second);
        secondMail.Header("References").ShouldBe($"{first} {replyMessageId} {second}");
        secondMail.Header("Message-ID").ShouldBe(messages[3]!["platform_message_id"]!.GetValue<string>());
        (await app.ConversationsAsync(ch.Tenant)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Replies_join_the_conversation_of_the_message_they_answer_whoever_sends_them()
    {
        var ch = await app.EmailChannelAsync();
        var customer = $"lin-{Guid.NewGuid():N}"[..12] + "@example.test";
        var first = EmailFixture.NewMessageId();
        await app.PostEmailAsync(EmailFixture.Email(ch.Address, customer, "Lin Chen", "SSO setup", "How do we turn on SSO?", first));
        var conversation = await ConversationWithAsync(ch.Tenant, customer);
        var cid = IdOf(conversation);
        var messages = await MessagesWhenAsync(ch.Tenant, cid, m => m.Count == 2 && AllSent(m), "the acknowledgement");
        var ours = messages[1]!["platform_message_id"]!.GetValue<string>();
        // Without Smtp__FromAddress override in the channel settings, the default sender is used.
        (await MailAsync(customer)).MailFrom.ShouldBe(EmailFixture.DefaultFrom);

        // A colleague answers our reply from another address: In-Reply-To names our Message-ID.
        var colleague = $"ops-{Guid.NewGuid():N}"[..12] + "@example.test";
        (await app.PostEmailAsync(EmailFixture.Email(ch.Address, colleague, "Omar Ops", "Re: SSO setup", "We use Okta, if that helps.", EmailFixture.NewMessageId(), ours)))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        messages = await MessagesWhenAsync(ch.Tenant, cid, m => m.Count(x => x!["role"]!.GetValue<string>() == "user") == 2, "the colleague's message in the same conversation");
        var joined = messages.Last(m => m!["role"]!.GetValue<string>() == "user")!;
        joined["content"]!.GetValue<string>().ShouldBe("We use Okta, if that helps.");
        joined["extra_metadata"]!["email"]!.GetValue<string>().ShouldBe(colleague);
        joined["extra_metadata"]!["in_reply_to"]!.GetValue<string>().ShouldBe(ours);

        // Only References (no In-Reply-To) naming the first message also threads.
        await app.PostEmailAsync(EmailFixture.Email(ch.Address, colleague, "Omar Ops", "Re: SSO setup", "Also SCIM.", EmailFixture.NewMessageId(), null, first));
        await MessagesWhenAsync(ch.Tenant, cid, m => m.Count(x => x!["role"]!.GetValue<string>() == "user") == 3, "the references-only reply in the same conversation");

        // A new email from someone else, answering nothing of ours, starts its own conversation.
        var stranger = $"new-{Guid.NewGuid():N}"[..12] + "@example.test";
        await app.PostEmailAsync(EmailFixture.Email(ch.Address, stranger, null, "Pricing", "How much is premium?", EmailFixture.NewMessageId(), "<unknown@elsewhere.test>"));
        var strangers = await ConversationWithAsync(ch.Tenant, stranger);
        IdOf(strangers).ShouldNotBe(cid);
        var all = await app.ConversationsAsync(ch.Tenant);
        all.Count.ShouldBe(2);
        all.ShouldNotContain(c => c!["customer_phone"]!.GetValue<string>() == colleague);

        // Once the conversation is closed, a reply to it starts a new one (with the usual rule).
        (await ch.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{cid}/close", new { })).Status.ShouldBe(HttpStatusCode.OK);
        await app.PostEmailAsync(EmailFixture.Email(ch.Address, customer, "Lin Chen", "Re: SSO setup", "One more thing.", EmailFixture.NewMessageId(), ours, first, ours));
        await Eventually.GetAsync(() => app.ConversationsAsync(ch.Tenant), l => l.Count == 3, what: "a new conversation after the close");
    }

    [Fact]
    public async Task A_redelivered_email_changes_nothing()
    {
        var ch = await app.EmailChannelAsync();
        var customer = $"rui-{Guid.NewGuid():N}"[..12] + "@example.test";
        var email = EmailFixture.Email(ch.Address, customer, "Rui", "Hello", "hello there", EmailFixture.NewMessageId());
        (await JsonOf(await app.PostEmailAsync(email)))["new"]!.GetValue<int>().ShouldBe(1);
        (await JsonOf(await app.PostEmailAsync(email)))["new"]!.GetValue<int>().ShouldBe(0);
        var conversation = await ConversationWithAsync(ch.Tenant, customer);
        await MessagesWhenAsync(ch.Tenant, IdOf(conversation), m => m.Count == 2 && AllSent(m), "the reply");
        (await JsonOf(await app.PostEmailAsync(email)))["new"]!.GetValue<int>().ShouldBe(0);
        await Task.Delay(500);
        (await app.MessagesAsync(ch.Tenant, IdOf(conversation))).Count.ShouldBe(2);
        app.Smtp.To(customer).Count().ShouldBe(1);
        (await ch.Tenant.Http.GetJsonAsync("/api/v1/inbound_events")).Json!["data"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Unsigned_or_tampered_emails_are_401_and_store_nothing()
    {
        var ch = await app.EmailChannelAsync();
        var email = EmailFixture.Email(ch.Address, "eve@example.test", "Eve", "hi", "hi", EmailFixture.NewMessageId());
        var body = email.ToJsonString();
        foreach (var res in new[]
        {
            await app.PostEmailAsync(email, signature: ""),
            await app.PostEmailAsync(email, signature: EmailFixture.Sign(body, "another-secret")),
            await app.PostEmailAsync(email, signature: EmailFixture.Sign(body), rawBody: body.Replace("\"hi\"", "\"HI\"", StringComparison.Ordinal)),
            await app.PostEmailAsync(email, signature: EmailFixture.Sign(body)[7..]),
            await app.PostEmailAsync(email, signature: "sha256=zz"),
        })
        {
            res.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            res.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }
        await Task.Delay(300);
        (await ch.Tenant.Http.GetJsonAsync("/api/v1/inbound_events")).Json!["data"]!.AsArray().Count.ShouldBe(0);
        (await app.ConversationsAsync(ch.Tenant)).Count.ShouldBe(0);
    }

    [Fact]
    public async Task Invalid_emails_are_acknowledged_with_errors_naming_the_field_and_kept_as_rejected()
    {
        var ch = await app.EmailChannelAsync();
        // Issue 8: a signed delivery is always acknowledged (a relay would otherwise resend it
        // forever); the errors come back in the answer and the email is kept as a rejected event.
        async Task<JsonNode> InvalidAsync(JsonObject email, string field)
        {
            var res = await app.PostEmailAsync(email);
            ((int)res.StatusCode).ShouldBe(200, await res.Content.ReadAsStringAsync());
            var json = await JsonOf(res);
            json["errors"]![field].ShouldNotBeNull(json.ToJsonString());
            (json["rejected"]!.GetValue<int>() + json["unrouted"]!.GetValue<int>()).ShouldBe(1, json.ToJsonString());
            json["new"]!.GetValue<int>().ShouldBe(0);
            return json;
        }
        JsonObject Valid() => EmailFixture.Email(ch.Address, "val@example.test", "Val", "s", "t", EmailFixture.NewMessageId());

        var noId = Valid(); noId.Remove("message_id");
        await InvalidAsync(noId, "message_id");
        var noTo = Valid(); noTo.Remove("to");
        (await InvalidAsync(noTo, "to"))["unrouted"]!.GetValue<int>().ShouldBe(1);
        var badFrom = Valid(); badFrom["from"] = new JsonObject { ["email"] = "not-an-address" };
        await InvalidAsync(badFrom, "from.email");
        var noFrom = Valid(); noFrom.Remove("from");
        await InvalidAsync(noFrom, "from");
        var badDate = Valid(); badDate["date"] = "yesterday";
        await InvalidAsync(badDate, "date");
        var badRefs = Valid(); badRefs["references"] = 42;
        await InvalidAsync(badRefs, "references");
        var twoIds = Valid(); twoIds["message_id"] = "<a@x.test> <b@x.test>";
        (await InvalidAsync(twoIds, "message_id"))["rejected"]!.GetValue<int>().ShouldBe(1);
        var notJson = await app.PostEmailAsync(Valid(), signature: EmailFixture.Sign("{not json"), rawBody: "{not json");
        notJson.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await JsonOf(notJson))["unrouted"]!.GetValue<int>().ShouldBe(1);
        var kept = (await ch.Tenant.Http.GetJsonAsync("/api/v1/inbound_events?status=rejected")).Json!["data"]!.AsArray();
        kept.Count.ShouldBe(6, "every invalid email with a readable 'to' is kept as evidence");
        kept.ShouldAllBe(e => e!["rejected_reason"]!.GetValue<string>().Length > 0);

        // Mail for an address no organization has is acknowledged (so the provider stops retrying) and dropped.
        var unknown = await JsonOf(await app.PostEmailAsync(EmailFixture.Email("nobody-here@acme.test", "val@example.test", null, "s", "t", EmailFixture.NewMessageId())));
        unknown["unrouted"]!.GetValue<int>().ShouldBe(1);
        unknown["new"]!.GetValue<int>().ShouldBe(0);
        (await ch.Tenant.Http.GetJsonAsync("/api/v1/inbound_events?status=received")).Json!["data"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task Html_only_mail_is_kept_as_text_and_provider_shapes_map_onto_the_webhook()
    {
        var ch = await app.EmailChannelAsync();
        var customer = $"ht-{Guid.NewGuid():N}"[..12] + "@example.test";
        var messageId = Guid.NewGuid().ToString("N") + "@mail.example.test"; // bare, as some providers send it
        var email = new JsonObject
        {
            ["to"] = $"Acme Support <{ch.Address}>",
            ["from"] = $"\"Hedy Lamarr\" <{customer}>",
            ["subject"] = "Spec sheet",
            ["html"] = "<html><head><style>p{color:red}</style></head><body><p>Hello <b>team</b>,</p><p>see&nbsp;the attached &amp; reply.</p><script>x()</script></body></html>",
            ["message_id"] = messageId,
            ["references"] = "<a@x.test>\r\n <b@x.test>",
            ["date"] = "Tue, 1 Jul 2025 09:30:00 +0200",
            ["attachments"] = new JsonArray(new JsonObject { ["filename"] = "spec.pdf", ["content_type"] = "application/pdf", ["size"] = 48213 }),
        };
        (await app.PostEmailAsync(email)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var conversation = await ConversationWithAsync(ch.Tenant, customer);
        var messages = await MessagesWhenAsync(ch.Tenant, IdOf(conversation), m => m.Count == 2 && AllSent(m), "the reply");
        var inbound = messages[0]!;
        inbound["content"]!.GetValue<string>().ShouldBe("Hello team,\nsee the attached & reply.");
        inbound["platform_message_id"]!.GetValue<string>().ShouldBe($"<{messageId}>");
        inbound["timestamp"]!.GetValue<DateTime>().ToUniversalTime().ShouldBe(new DateTime(2025, 7, 1, 7, 30, 0, DateTimeKind.Utc));
        inbound["extra_metadata"]!["references"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(new[] { "<a@x.test>", "<b@x.test>" });
        var attachment = inbound["extra_metadata"]!["attachments"]![0]!;
        attachment["filename"]!.GetValue<string>().ShouldBe("spec.pdf");
        attachment["mime_type"]!.GetValue<string>().ShouldBe("application/pdf");
        attachment["size"]!.GetValue<long>().ShouldBe(48213);
        var mail = await MailAsync(customer);
        mail.Header("In-Reply-To").ShouldBe($"<{messageId}>");
        mail.Header("References").ShouldBe($"<a@x.test> <b@x.test> <{messageId}>");
        mail.Header("To")!.ShouldContain("Hedy Lamarr");
    }

    [Fact]
    public async Task An_operator_message_with_leading_dots_and_unicode_arrives_intact()
    {
        var ch = await app.EmailChannelAsync();
        var customer = $"op-{Guid.NewGuid():N}"[..12] + "@example.test";
        await app.PostEmailAsync(EmailFixture.Email(ch.Address, customer, "Zoë", "Contract", "Can you send it?", EmailFixture.NewMessageId()));
        var conversation = await ConversationWithAsync(ch.Tenant, customer);
        var cid = IdOf(conversation);
        await MessagesWhenAsync(ch.Tenant, cid, m => m.Count == 2 && AllSent(m), "the acknowledgement");
        // ASCII goes as 7bit, so the lines starting with "." must be dot-stuffed on the wire (a lone "." would end DATA).
        const string dots = "Here it is:\n.\n..two dots\n.hidden line\nEnd";
        var sent = await ch.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{cid}/messages", new { content = dots });
        ((int)sent.Status).ShouldBeLessThan(300, sent.Json?.ToJsonString());
        var mail = await MailAsync(customer, 2);
        Mime(mail).TextBody!.ReplaceLineEndings("\n").TrimEnd('\n').ShouldBe(dots);
        mail.Header("Subject").ShouldBe("Re: Contract");
        mail.Header("To")!.ShouldContain("Zoë");
        const string unicode = "Preço: 10 €, ok?\n.end";
        await ch.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{cid}/messages", new { content = unicode });
        Mime(await MailAsync(customer, 3)).TextBody!.ReplaceLineEndings("\n").TrimEnd('\n').ShouldBe(unicode);
    }

    [Fact]
    public async Task An_smtp_451_is_retried_and_then_sent()
    {
        var ch = await app.EmailChannelAsync();
        var customer = $"tmp-{Guid.NewGuid():N}"[..12] + "@example.test";
        app.Smtp.FailNext(2, 451, customer);
        await app.PostEmailAsync(EmailFixture.Email(ch.Address, customer, "Tomás", "Retry me", "hello", EmailFixture.NewMessageId()));
        var conversation = await ConversationWithAsync(ch.Tenant, customer);
        var messages = await MessagesWhenAsync(ch.Tenant, IdOf(conversation), m => m.Count == 2 && AllSent(m), "the reply after the retries");
        var mail = await MailAsync(customer);
        mail.Header("Message-ID").ShouldBe(messages[1]!["platform_message_id"]!.GetValue<string>());
        app.Smtp.Rejections.Count(r => r.RcptTo.Contains(customer)).ShouldBe(2);
        app.Smtp.Rejections.Where(r => r.RcptTo.Contains(customer)).ShouldAllBe(r => r.Code == 451);
        app.Smtp.To(customer).Count().ShouldBe(1);
        var send = (await ch.Tenant.Http.GetJsonAsync("/api/v1/outbox?topic=message.send")).Json!["data"]!.AsArray().Single()!;
        send["attempts"]!.GetValue<int>().ShouldBe(3);
        send["processed_at"].ShouldNotBeNull();
        send["dead_at"].ShouldBeNull();
    }

    [Fact]
    public async Task An_smtp_550_fails_the_message_with_the_error_recorded()
    {
        var ch = await app.EmailChannelAsync();
        var customer = $"bad-{Guid.NewGuid():N}"[..12] + "@example.test";
        app.Smtp.FailNext(1, 550, customer);
        await app.PostEmailAsync(EmailFixture.Email(ch.Address, customer, "Bounce", "Hello?", "anyone there", EmailFixture.NewMessageId()));
        var conversation = await ConversationWithAsync(ch.Tenant, customer);
        var messages = await MessagesWhenAsync(ch.Tenant, IdOf(conversation), m => m.Count == 2 && m[1]!["status"]?.GetValue<string>() == "failed", "the reply to fail");
        var status = (await ch.Tenant.Http.GetJsonAsync($"/api/v1/message_delivery_status?message_id={messages[1]!["id"]}")).Json!["data"]![0]!;
        status["status"]!.GetValue<string>().ShouldBe("failed");
        status["error_message"]!.GetValue<string>().ShouldContain("550");
        var send = (await ch.Tenant.Http.GetJsonAsync("/api/v1/outbox?topic=message.send")).Json!["data"]!.AsArray().Single()!;
        send["attempts"]!.GetValue<int>().ShouldBe(1); // permanent: no retries
        send["dead_at"].ShouldNotBeNull();
        send["last_error"]!.GetValue<string>().ShouldContain("550");
        app.Smtp.To(customer).ShouldBeEmpty();
        app.Smtp.Rejections.Single(r => r.RcptTo.Contains(customer)).Code.ShouldBe(550);
    }

    [Fact]
    public async Task An_auto_reply_is_kept_but_never_answered_and_the_ai_reply_says_it_is_automatic()
    {
        var ch = await app.EmailChannelAsync();
        var customer = $"ooo-{Guid.NewGuid():N}"[..12] + "@example.test";
        await app.PostEmailAsync(EmailFixture.Email(ch.Address, customer, "Olga", "Renewal", "When does my plan renew?", EmailFixture.NewMessageId()));
        var cid = IdOf(await ConversationWithAsync(ch.Tenant, customer));
        var messages = await MessagesWhenAsync(ch.Tenant, cid, m => m.Count == 2 && AllSent(m), "the reply");
        var reply = Mime(await MailAsync(customer));
        reply.Headers["Auto-Submitted"].ShouldBe("auto-replied"); // RFC 3834: responders leave it alone
        reply.TextBody!.ShouldContain(messages[1]!["content"]!.GetValue<string>().ReplaceLineEndings("\r\n").Split("\r\n")[0]);
        reply.HtmlBody!.ShouldContain("<p>");
        reply.Body!.ContentType.MimeType.ShouldBe("multipart/alternative");

        // Her out-of-office answers our reply (header object), and a list mail arrives (raw header block).
        var ooo = EmailFixture.Email(ch.Address, customer, "Olga", "Out of office: Re: Renewal", "I am away until Monday.", EmailFixture.NewMessageId(),
            messages[1]!["platform_message_id"]!.GetValue<string>());
        ooo["headers"] = new JsonObject { ["Auto-Submitted"] = "auto-replied", ["X-Autoreply"] = "yes" };
        (await app.PostEmailAsync(ooo)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var bulk = EmailFixture.Email(ch.Address, customer, "Olga", "Our news", "The monthly newsletter.", EmailFixture.NewMessageId());
        bulk["headers"] = "Precedence: bulk\r\nList-Id: <news.example.test>";
        (await app.PostEmailAsync(bulk)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var after = await MessagesWhenAsync(ch.Tenant, cid, m => m.Count == 4, "both kept in the conversation");
        after[2]!["role"]!.GetValue<string>().ShouldBe("user");
        after[2]!["extra_metadata"]!["automatic"]!.GetValue<string>().ShouldBe("auto_reply");
        after[3]!["extra_metadata"]!["automatic"]!.GetValue<string>().ShouldBe("auto_reply");
        // Never answered: one agent.reply job in all (the first mail's), and still one mail out.
        await Task.Delay(1500);
        (await ch.Tenant.Http.GetJsonAsync("/api/v1/outbox?topic=agent.reply")).Json!["data"]!.AsArray().Count.ShouldBe(1);
        (await app.MessagesAsync(ch.Tenant, cid)).Count.ShouldBe(4);
        app.Smtp.To(customer).Count().ShouldBe(1);
    }

    [Fact]
    public async Task A_bounce_marks_the_address_and_nothing_more_is_sent_to_it()
    {
        var ch = await app.EmailChannelAsync();
        var customer = $"gone-{Guid.NewGuid():N}"[..12] + "@example.test";
        await app.PostEmailAsync(EmailFixture.Email(ch.Address, customer, "Gus", "Question", "Is the API rate limited?", EmailFixture.NewMessageId()));
        var cid = IdOf(await ConversationWithAsync(ch.Tenant, customer));
        await MessagesWhenAsync(ch.Tenant, cid, m => m.Count == 2 && AllSent(m), "the reply");
        await MailAsync(customer);

        var dsn = EmailFixture.Email(ch.Address, "MAILER-DAEMON@mx.example.test", "Mail Delivery System", "Undelivered Mail Returned to Sender",
            $"This is the mail system at host mx.example.test.\n\nReporting-MTA: dns; mx.example.test\n\nFinal-Recipient: rfc822; {customer}\nAction: failed\nStatus: 5.1.1\n" +
            $"Diagnostic-Code: smtp; 550 5.1.1 <{customer}>: Recipient address rejected: User unknown", EmailFixture.NewMessageId());
        dsn["headers"] = new JsonObject { ["Content-Type"] = "multipart/report; report-type=delivery-status; boundary=\"b1\"" };
        (await app.PostEmailAsync(dsn)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var bounce = (await Eventually.GetAsync(async () => (await ch.Tenant.Http.GetJsonAsync($"/api/v1/email_bounces?address={Uri.EscapeDataString(customer)}")).Json!["data"]!.AsArray(),
            l => l.Count == 1, what: "the bounce recorded"))[0]!;
        bounce["reason"]!.GetValue<string>().ShouldContain("5.1.1");
        // The DSN is not a customer: no conversation with the mailer daemon.
        (await app.ConversationsAsync(ch.Tenant)).Any(c => c?["customer_phone"]?.GetValue<string>()?.StartsWith("mailer-daemon", StringComparison.OrdinalIgnoreCase) == true).ShouldBeFalse();

        // An operator writes again: refused at once, nothing reaches the relay.
        var sent = await ch.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{cid}/messages", new { content = "Did you get my last mail?" });
        ((int)sent.Status).ShouldBeLessThan(300, sent.Json?.ToJsonString());
        var messages = await MessagesWhenAsync(ch.Tenant, cid, m => m.Count == 3 && m[2]!["status"]?.GetValue<string>() == "failed", "the message to fail");
        var status = (await ch.Tenant.Http.GetJsonAsync($"/api/v1/message_delivery_status?message_id={messages[2]!["id"]}")).Json!["data"]![0]!;
        status["error_message"]!.GetValue<string>().ShouldContain("bounced before");
        app.Smtp.To(customer).Count().ShouldBe(1);
    }

    private static OutboundMessage Outbound(string channel = "desk@acme.test", string? recipientEmail = "ann@example.test", JsonObject? conversation = null) =>
        new(Guid.CreateVersion7(), Guid.CreateVersion7(), "email", Guid.CreateVersion7(), channel, null, recipientEmail ?? "", recipientEmail, "Ann", "hello",
            new JsonObject(), conversation ?? new JsonObject());

    private static EmailSender Sender(Dictionary<string, string?> config) =>
        new EmailOptions(new ConfigurationBuilder().AddInMemoryCollection(config).Build()) is var o ? new(o, new SmtpRelay(o)) : throw new InvalidOperationException();

    [Fact]
    public async Task Without_smtp_configured_sending_fails_permanently_and_a_refused_connection_is_retried()
    {
        var unconfigured = await Should.ThrowAsync<PermanentJobException>(() => Sender([]).SendAsync(Outbound(), CancellationToken.None));
        unconfigured.Message.ShouldContain("Smtp__Host");

        // A port where nothing listens: connection refused is transient.
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var refused = await Should.ThrowAsync<RetryLaterException>(() => Sender(new() { ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = closedPort.ToString(CultureInfo.InvariantCulture), ["Smtp:EnableSsl"] = "false" })
            .SendAsync(Outbound(), CancellationToken.None));
        refused.Message.ShouldContain("SMTP");

        // A customer without a real address (a reserved .invalid placeholder) cannot be mailed.
        await Should.ThrowAsync<PermanentJobException>(() => Sender(new() { ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = closedPort.ToString(CultureInfo.InvariantCulture) })
            .SendAsync(Outbound(recipientEmail: "whatsapp-551199@whatsapp.invalid"), CancellationToken.None));
    }

    [Fact]
    public void Reply_subjects_get_one_re_prefix_and_the_sender_falls_back_to_the_defaults()
    {
        EmailSender.ReplySubject("Invoice").ShouldBe("Re: Invoice");
        EmailSender.ReplySubject("RE: Re:  re: Invoice").ShouldBe("Re: Invoice");
        EmailSender.ReplySubject("AW: Rechnung").ShouldBe("Re: Rechnung");
        EmailSender.ReplySubject("Regarding the invoice").ShouldBe("Re: Regarding the invoice");
        EmailSender.ReplySubject(null).ShouldBe("Re: (no subject)");

        var m = Outbound(conversation: new JsonObject { ["subject"] = "Hi", ["thread"] = new JsonObject { ["last_message_id"] = "<b@x.test>", ["references"] = new JsonArray("<a@x.test>", "<b@x.test>") } });
        var plain = EmailSender.Compose(m, null);
        plain.From.ShouldBe("desk@acme.test");
        plain.ReplyTo.ShouldBeNull();
        plain.MessageId.ShouldBe($"<{m.MessageId}@acme.test>");
        plain.InReplyTo.ShouldBe("<b@x.test>");
        plain.References.ShouldBe(new[] { "<a@x.test>", "<b@x.test>" });
        var withDefault = EmailSender.Compose(m, "noreply@mailer.test");
        withDefault.From.ShouldBe("noreply@mailer.test");
        withDefault.ReplyTo.ShouldBe("desk@acme.test");
        withDefault.MessageId.ShouldEndWith("@mailer.test>");

        // A very long chain keeps the thread's root and the latest ids within one header line.
        var ids = Enumerable.Range(0, 60).Select(i => $"<{i:D3}-{new string('x', 30)}@x.test>").ToArray();
        var trimmed = EmailSender.Compose(Outbound(conversation: new JsonObject { ["thread"] = new JsonObject { ["last_message_id"] = ids[^1], ["references"] = new JsonArray(ids.Select(i => (JsonNode)i).ToArray()) } }), null);
        trimmed.References[0].ShouldBe(ids[0]);
        trimmed.References[^1].ShouldBe(ids[^1]);
        string.Join(' ', trimmed.References).Length.ShouldBeLessThanOrEqualTo(900);
    }
}
