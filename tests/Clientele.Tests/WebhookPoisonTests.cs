using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Clientele.Modules.Email;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>
/// Issue 8: correctly signed webhook deliveries that carry poison (text PostgreSQL cannot store,
/// invalid UTF-8, lone surrogates, items that are not objects, impossible timestamps, ids too long
/// to keep) are always acknowledged; each unreadable item is kept as a rejected inbound event with
/// its reason and never processed, and the good items beside it are.
/// </summary>
public sealed class WebhookPoisonTests(EmailFixture app) : IClassFixture<EmailFixture>
{
    private const string BadUtf8 = "@@BAD_UTF8@@";
    private static readonly string Long = new('9', 10_000);

    private static string Wamid() => "wamid.IN" + Guid.NewGuid().ToString("N");
    private static string Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The JSON text as UTF-8, with each BadUtf8 marker replaced by the invalid sequence C3 28.</summary>
    private static byte[] Bytes(string json)
    {
        var parts = json.Split(BadUtf8);
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(parts[0]));
        foreach (var p in parts.Skip(1)) bytes.AddRange([0xC3, 0x28, .. Encoding.UTF8.GetBytes(p)]);
        return [.. bytes];
    }

    private async Task<(HttpStatusCode Status, JsonNode? Json)> PostSignedAsync(string path, string header, string secret, string json)
    {
        var body = Bytes(json);
        using var req = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        req.Headers.TryAddWithoutValidation(header, "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        using var c = app.Client();
        var res = await c.SendAsync(req);
        var text = await res.Content.ReadAsStringAsync();
        ((int)res.StatusCode).ShouldBe(200, $"{path} {json[..Math.Min(json.Length, 300)]} answered {(int)res.StatusCode}: {text}");
        return (res.StatusCode, JsonNode.Parse(text));
    }

    private Task<(HttpStatusCode Status, JsonNode? Json)> MetaAsync(string platform, string json) =>
        PostSignedAsync("/webhooks/" + platform, "X-Hub-Signature-256", MetaWebhooks.AppSecret, json);

    private Task<(HttpStatusCode Status, JsonNode? Json)> EmailAsync(string json) =>
        PostSignedAsync("/webhooks/email", EmailWebhookApi.SignatureHeader, EmailFixture.InboundSecret, json);

    private static string WhatsApp(string phoneNumberId, string messages, string statuses = "[]") => $$$"""
        {"object":"whatsapp_business_account","entry":[{"id":"WABA1","changes":[{"field":"messages","value":{
          "messaging_product":"whatsapp","metadata":{"phone_number_id":"{{{phoneNumberId}}}"},
          "contacts":[{"profile":{"name":"Pat"},"wa_id":"5511900000009"}],"messages":{{{messages}}},"statuses":{{{statuses}}}}}]}]}
        """;

    private static string WaText(string id, string text, string from = "5511900000009", string? ts = null) =>
        $$$"""{"from":"{{{from}}}","id":"{{{id}}}","timestamp":"{{{ts ?? Now()}}}","type":"text","text":{"body":"{{{text}}}"}}""";

    private static string Instagram(string account, string events) => $$"""
        {"object":"instagram","entry":[{"id":"{{account}}","time":1,"messaging":{{events}}}]}
        """;

    private static string IgText(string mid, string text, string sender = "IGSID1", string? ts = null) =>
        $$$"""{"sender":{"id":"{{{sender}}}"},"recipient":{"id":"x"},"timestamp":{{{ts ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)}}},"message":{"mid":"{{{mid}}}","text":"{{{text}}}"}}""";

    private static string Email(string to, string text, string messageId, string subject = "Hello", string from = "Pat <pat@example.test>") => $$"""
        {"to":"{{to}}","from":"{{from}}","subject":"{{subject}}","text":"{{text}}","message_id":"{{messageId}}"}
        """;

    private async Task<List<(string Status, string? Reason, string Payload)>> EventsAsync(Guid organizationId)
    {
        await using var db = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand("SELECT status, rejected_reason, payload::text FROM inbound_events WHERE organization_id = $1 ORDER BY received_at", db);
        cmd.Parameters.AddWithValue(organizationId);
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<(string, string?, string)>();
        while (await r.ReadAsync()) list.Add((r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2)));
        return list;
    }

    /// <summary>Inbound work a worker could claim: received (not rejected) events, and any old-style outbox row.</summary>
    private async Task<long> QueuedInboundAsync(Guid organizationId)
    {
        await using var db = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM outbox WHERE organization_id = $1 AND topic LIKE 'inbound.%')
                 + (SELECT count(*) FROM inbound_events WHERE organization_id = $1 AND status = 'received')
            """, db);
        cmd.Parameters.AddWithValue(organizationId);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_whatsapp_delivery_with_a_good_message_and_a_nul_message_stores_the_good_one_and_keeps_the_other_as_rejected()
    {
        var ch = await app.ChannelAsync();
        var good = Wamid();
        var json = WhatsApp(ch.MetaId, $"[{WaText(good, "I want a demo")},{WaText(Wamid(), "a\\u0000b")}]");

        var first = await MetaAsync("whatsapp", json);
        first.Json!["new"]!.GetValue<int>().ShouldBe(1);
        first.Json["rejected"]!.GetValue<int>().ShouldBe(1);
        // Meta redelivers the same bytes: acknowledged again, nothing new.
        var again = await MetaAsync("whatsapp", json);
        again.Json!["new"]!.GetValue<int>().ShouldBe(0);

        var conversation = await Eventually.GetAsync(() => app.ConversationsAsync(ch.Tenant), c => c.Count == 1, what: "the good message's conversation");
        var messages = await app.MessagesAsync(ch.Tenant, Guid.Parse(conversation[0]!["id"]!.GetValue<string>()));
        messages[0]!["content"]!.GetValue<string>().ShouldBe("I want a demo");

        var events = await EventsAsync(ch.Tenant.OrganizationId);
        events.Count.ShouldBe(2);
        var rejected = events.Single(e => e.Status == "rejected");
        rejected.Reason!.ShouldContain("messages[1].text.body");
        rejected.Reason!.ShouldContain("NUL");
        rejected.Payload.ShouldContain("a\\\\u0000b"); // the raw item is kept as text evidence
        // The API shows it too (status and reason are columns of the read-only resource).
        var listed = (await ch.Tenant.Http.GetJsonAsync("/api/v1/inbound_events?status=rejected")).Json!["data"]!.AsArray();
        listed.Count.ShouldBe(1);
        listed[0]!["rejected_reason"]!.GetValue<string>().ShouldContain("NUL");
    }

    [Fact]
    public async Task Every_poison_whatsapp_and_instagram_item_is_acknowledged_kept_as_rejected_and_never_processed()
    {
        var wa = await app.ChannelAsync();
        var ig = await app.ChannelAsync("instagram");
        var waCases = new[]
        {
            WaText(Wamid(), "lone \\ud800 surrogate"),
            WaText(Wamid(), "bad " + BadUtf8 + " utf8"),
            WaText(Wamid(), "nul \\u0000"),
            "\"not an object\"", "null", "[1,2]", "42",
            WaText(Wamid(), "too far", ts: "99999999999999999"),
            WaText(Wamid(), "fractional", ts: "1700000000.5"),
            WaText(Wamid(), "negative", ts: "-5"),
            WaText(Wamid(), "long from", from: Long),
            WaText("wamid." + Long, "long id"),
            $$$"""{"from":"5511900000009","id":"{{{Wamid()}}}","timestamp":"{{{Now()}}}","type":"text","text":{"body":"dup"},"text":{"body":"dup2"}}""",
        };
        var waStatusCases = new[]
        {
            $$"""{"id":"wamid.a\u0000b","status":"read","timestamp":"{{Now()}}","recipient_id":"1"}""",
            $$"""{"id":"wamid.{{Long}}","status":"delivered","timestamp":"{{Now()}}","recipient_id":"1"}""",
            "[]",
        };
        var igCases = new[]
        {
            "5", "null", "\"x\"",
            IgText("mid." + Guid.NewGuid(), "fraction", ts: "1.5"),
            IgText("mid." + Guid.NewGuid(), "huge", ts: "1e30"),
            IgText("mid." + Guid.NewGuid(), "nul \\u0000"),
            IgText("mid.\\udc00" + Guid.NewGuid(), "lone low surrogate in the id"),
            IgText("mid." + Guid.NewGuid(), "bad " + BadUtf8),
            IgText("mid." + Guid.NewGuid(), "long sender", sender: Long),
        };

        var answers = await Task.WhenAll(
            waCases.Select(c => MetaAsync("whatsapp", WhatsApp(wa.MetaId, $"[{c}]")))
                .Concat(waStatusCases.Select(c => MetaAsync("whatsapp", WhatsApp(wa.MetaId, "[]", $"[{c}]"))))
                .Concat(igCases.Select(c => MetaAsync("instagram", Instagram(ig.MetaId, $"[{c}]")))));
        foreach (var a in answers)
        {
            a.Json!["rejected"]!.GetValue<int>().ShouldBe(1, a.Json.ToJsonString());
            a.Json["new"]!.GetValue<int>().ShouldBe(0, "a rejected item is kept as evidence, not queued for processing");
        }

        var waEvents = await EventsAsync(wa.Tenant.OrganizationId);
        waEvents.Count.ShouldBe(waCases.Length + waStatusCases.Length);
        waEvents.ShouldAllBe(e => e.Status == "rejected" && !string.IsNullOrEmpty(e.Reason));
        waEvents.Count(e => e.Reason!.Contains("is longer than", StringComparison.Ordinal)).ShouldBe(3);
        waEvents.Count(e => e.Reason!.Contains("timestamp", StringComparison.Ordinal)).ShouldBe(3);
        waEvents.Count(e => e.Reason!.Contains("is not a JSON object", StringComparison.Ordinal)).ShouldBe(5);
        waEvents.ShouldContain(e => e.Reason!.Contains("not valid UTF-8", StringComparison.Ordinal));
        waEvents.ShouldContain(e => e.Reason!.Contains("lone surrogate", StringComparison.Ordinal));
        waEvents.ShouldContain(e => e.Reason!.Contains("more than once", StringComparison.Ordinal));
        var igEvents = await EventsAsync(ig.Tenant.OrganizationId);
        igEvents.Count.ShouldBe(igCases.Length);
        igEvents.ShouldAllBe(e => e.Status == "rejected" && !string.IsNullOrEmpty(e.Reason));

        // Nothing was queued for processing, so nothing can dead-letter; no conversation was made.
        (await QueuedInboundAsync(wa.Tenant.OrganizationId)).ShouldBe(0);
        (await QueuedInboundAsync(ig.Tenant.OrganizationId)).ShouldBe(0);
        (await app.ConversationsAsync(wa.Tenant)).Count.ShouldBe(0);
    }

    [Fact]
    public async Task Deliveries_that_name_no_readable_channel_are_acknowledged_as_unrouted()
    {
        var ch = await app.ChannelAsync();
        string[] bodies =
        [
            "[]", "null", "\"text\"", "not json at all", "{\"object\":\"whatsapp_business_account\",\"entry\":[1,null]}",
            WhatsApp("PN\\u0000x", $"[{WaText(Wamid(), "hi")}]"),
            WhatsApp("PN" + BadUtf8, $"[{WaText(Wamid(), "hi")}]"),
            "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":[]}]}]}",
            Instagram("\\ud800", $"[{IgText("mid.1", "hi")}]"),
        ];
        foreach (var (platform, body) in bodies.Select(b => ("whatsapp", b)).Append(("instagram", "[null]")))
        {
            var a = await MetaAsync(platform, body);
            a.Json!["unrouted"]!.GetValue<int>().ShouldBeGreaterThan(0, body);
            a.Json["new"]!.GetValue<int>().ShouldBe(0);
        }
        (await EventsAsync(ch.Tenant.OrganizationId)).Count.ShouldBe(0);
    }

    [Fact]
    public async Task Poison_emails_are_acknowledged_with_the_field_named_and_kept_as_rejected()
    {
        var ch = await app.EmailChannelAsync();
        string Id() => EmailFixture.NewMessageId();
        (string Json, string Field)[] cases =
        [
            (Email(ch.Address, "bad " + BadUtf8, Id()), "text"),
            (Email(ch.Address, "fine", Id(), subject: "lone \\ud800"), "subject"),
            (Email(ch.Address, "nul \\u0000 here", Id()), "text"),
            (Email(ch.Address, "long id", "<" + Long + "@example.test>"), "message_id"),
            (Email(ch.Address, "bad from", Id(), from: Long + "@example.test"), "from"),
            ($$"""{"to":"{{ch.Address}}","to":"{{ch.Address}}","from":"a@example.test","text":"dup","message_id":"{{Id()}}"}""", "to"),
        ];
        foreach (var (json, field) in cases)
        {
            var a = await EmailAsync(json);
            a.Json!["errors"]![field].ShouldNotBeNull(a.Json.ToJsonString());
            (a.Json["rejected"]!.GetValue<int>() + a.Json["unrouted"]!.GetValue<int>()).ShouldBe(1, a.Json.ToJsonString());
        }
        foreach (var body in new[] { "[]", "null", "{not json" })
            (await EmailAsync(body)).Json!["unrouted"]!.GetValue<int>().ShouldBe(1);

        var events = await EventsAsync(ch.Tenant.OrganizationId);
        events.Count.ShouldBe(5, "all but the email whose 'to' appears twice (which names no single channel) are kept");
        events.ShouldAllBe(e => e.Status == "rejected");
        (await QueuedInboundAsync(ch.Tenant.OrganizationId)).ShouldBe(0);
    }
}
