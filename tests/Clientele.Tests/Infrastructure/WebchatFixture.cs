using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Shouldly;

namespace Clientele.Tests.Infrastructure;

/// <summary>The host with fast outbox polling and small webchat limits (messages per visitor, heartbeat).</summary>
public class WebchatFixture : AppFixture
{
    public const int MessagesPerVisitorPerMinute = 6;

    protected override Dictionary<string, string?> Config => new()
    {
        ["Outbox:PollMilliseconds"] = "50",
        ["Outbox:BackoffBaseSeconds"] = "0.02",
        ["Credits:TrialGrant"] = "100",
        ["Webchat:MessagesPerVisitorPerMinute"] = MessagesPerVisitorPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Webchat:SessionsPerIpPerHour"] = "100000",
        ["Webchat:MessagesPerIpPerMinute"] = "100000",
        ["Webchat:HeartbeatSeconds"] = "1",
        // Streams re-read only when PostgreSQL notifies (or after a minute): what reaches a stream
        // within a test's timeout came through LISTEN/NOTIFY, as it would from another node.
        ["Webchat:SafetyPollMilliseconds"] = "60000",
    };

    public sealed record Channel(Tenant Tenant, Guid Id, string PublicKey, Guid AgentId);

    /// <summary>A tenant with a webchat channel (allowed origins as given) and an agent on it, made through the API.</summary>
    public async Task<Channel> ChannelAsync(string[] allowedOrigins, Tenant? tenant = null, object? settings = null, bool active = true)
    {
        var t = tenant ?? await SignupAsync();
        var number = await t.Http.PostJsonAsync("/api/v1/phone_numbers", new
        {
            platform = "webchat", meta_phone_number_id = "web-" + Guid.NewGuid().ToString("N")[..10], display_name = "Acme website chat",
            allowed_origins = allowedOrigins, settings = settings ?? new { title = "Acme Support", greeting = "Hi! Ask us anything.", color = "#0f766e" },
            is_active = active,
        });
        number.Status.ShouldBe(HttpStatusCode.Created, number.Json?.ToJsonString());
        var id = Guid.Parse(number.Json!["id"]!.GetValue<string>());
        var key = number.Json["public_key"]!.GetValue<string>();
        key.ShouldStartWith("pk_");
        var agent = await t.Http.PostJsonAsync("/api/v1/agents", new { phone_number_id = id, prompt_id = "webchat-support", name = "Nora" });
        agent.Status.ShouldBe(HttpStatusCode.Created, agent.Json?.ToJsonString());
        return new Channel(t, id, key, Guid.Parse(agent.Json!["id"]!.GetValue<string>()));
    }

    public sealed record Session(string Token, string VisitorId);

    public async Task<Session> SessionAsync(Channel ch, object? body = null, string? origin = null)
    {
        var r = await Client().PostJsonAsync($"/webchat/{ch.PublicKey}/sessions", body ?? new { name = "Vera Visitor" }, req =>
        {
            if (origin is not null) req.Headers.Add("Origin", origin);
        });
        r.Status.ShouldBe(HttpStatusCode.Created, r.Json?.ToJsonString());
        return new Session(r.Json!["visitor_token"]!.GetValue<string>(), r.Json["visitor_id"]!.GetValue<string>());
    }

    public Task<(HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response)> SendAsync(Channel ch, string? token, object body, string? origin = null) =>
        Client().PostJsonAsync($"/webchat/{ch.PublicKey}/messages", body, req =>
        {
            if (token is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (origin is not null) req.Headers.Add("Origin", origin);
        });

    public Task<(HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response)> HistoryAsync(Channel ch, string token, int after = 0) =>
        Client().SendAsync(HttpMethod.Get, $"/webchat/{ch.PublicKey}/messages?after={after}", null,
            req => req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token));

    /// <summary>Waits until the visitor's history satisfies a condition.</summary>
    public Task<JsonArray> HistoryWhenAsync(Channel ch, string token, Func<JsonArray, bool> done, string what) =>
        Eventually.GetAsync(async () => (await HistoryAsync(ch, token)).Json!["data"]!.AsArray(), done, what: what);
}

/// <summary>Reads a text/event-stream response event by event (what EventSource does in a browser).</summary>
public sealed class SseReader : IAsyncDisposable
{
    public sealed record Event(string? Id, string Type, string Data, IReadOnlyList<string> Comments);

    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly List<string> _pendingComments = [];

    private SseReader(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public HttpResponseMessage Response => _response;

    public static async Task<SseReader> OpenAsync(HttpClient client, string url, string? lastEventId = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, url);
        req.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null) req.Headers.Add("Last-Event-ID", lastEventId);
        var res = await client.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
        return new SseReader(res, await res.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event (a comment-only block such as a heartbeat counts, with Type ":").</summary>
    public async Task<Event> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        string? id = null, type = null;
        var data = new StringBuilder();
        var comments = new List<string>();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException("the event stream ended");
            if (line.Length == 0)
            {
                if (data.Length == 0 && type is null && id is null && comments.Count == 0) continue;
                if (data.Length == 0 && type is null && id is null) return new Event(null, ":", "", comments);
                return new Event(id, type ?? "message", data.ToString(), comments);
            }
            if (line.StartsWith(':')) { comments.Add(line[1..].Trim()); continue; }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": type = value; break;
                case "data": if (data.Length > 0) data.Append('\n'); data.Append(value); break;
            }
        }
    }

    /// <summary>The next "message" event whose JSON satisfies the condition (others are skipped).</summary>
    public async Task<(Event Event, JsonObject Message)> NextMessageAsync(Func<JsonObject, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException("no matching event in time");
            var e = await NextAsync(left);
            if (e.Type != "message") continue;
            var m = JsonNode.Parse(e.Data)!.AsObject();
            if (match(m)) return (e, m);
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
