using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Modules.Channels;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Clientele.Modules.Webchat;

/// <summary>
/// The public webchat: /widget.js (any site may load it) and /webchat/{publicKey}/… (CORS limited
/// to the channel's allowed_origins; visitors authenticate with the token their session returned).
/// Visitor messages take the same path as Meta webhooks (InboundIngestor → outbox → conversation →
/// agent reply → WebchatSender); replies reach the visitor through the event stream.
/// </summary>
public static partial class WebchatApi
{
    public sealed record SessionRequest(string? Name, string? Email);
    public sealed record MessageRequest(string? Text, string? ClientMessageId);

    private const string ChannelItem = "clientele.webchat.channel";
    private const int PageSize = 200;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/widget.js", Widget).AllowAnonymous().WithTags("Webchat").WithName("WebchatWidget")
            .WithSummary("The embeddable chat widget: <script src=\"https://host/widget.js\" data-channel=\"pk_…\" async></script>")
            .Produces(200, contentType: "text/javascript");

        var g = app.MapGroup("/webchat/{publicKey}").AllowAnonymous().WithTags("Webchat").AddEndpointFilter(ChannelFilter);
        // Browsers send a CORS preflight (OPTIONS + Access-Control-Request-Method) before these
        // calls: the endpoints accept it and ChannelFilter answers it.
        g.MapMethods("/config", ["GET"], Config).WithMetadata(new HttpMethodMetadata(["GET"], acceptCorsPreflight: true))
            .WithName("WebchatConfig").WithSummary("The channel's title, greeting and color for the widget");
        g.MapMethods("/sessions", ["POST"], StartSession).WithMetadata(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true))
            .WithName("WebchatStartSession").WithSummary("Start a visitor session {name?, email?} → 201 {visitor_token, visitor_id}");
        g.MapMethods("/messages", ["POST"], Send).WithMetadata(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true))
            .WithName("WebchatSendMessage").WithSummary("Send a visitor message {text, client_message_id?} (Authorization: Bearer <visitor_token>) → 202");
        g.MapMethods("/messages", ["GET"], History).WithMetadata(new HttpMethodMetadata(["GET"], acceptCorsPreflight: true))
            .WithName("WebchatHistory").WithSummary("The visitor's conversation after ?after=<sequence_no> (Authorization: Bearer <visitor_token>)");
        g.MapMethods("/stream", ["GET"], Stream).WithMetadata(new HttpMethodMetadata(["GET"], acceptCorsPreflight: true))
            .WithName("WebchatStream").WithSummary("Server-sent events of the visitor's conversation (?token=<visitor_token>; resumes after Last-Event-ID)")
            .Produces(200, contentType: "text/event-stream");
        g.MapGet("/try", TryPage).WithName("WebchatTryPage").WithSummary("A page on this server with the widget embedded, to try a channel without a website")
            .Produces(200, contentType: "text/html");
    }

    /// <summary>The widget on a blank page of this host (same origin, so no allowed_origins entry is needed).</summary>
    private static IResult TryPage(string publicKey)
    {
        var key = System.Net.WebUtility.HtmlEncode(publicKey);
        return Results.Content($$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Try the chat</title>
            <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2933}code{background:#f0f4f8;padding:.1rem .3rem;border-radius:.2rem}</style>
            </head><body>
            <h1>Try the chat</h1>
            <p>This page embeds the Clientele widget for channel <code>{{key}}</code>, exactly as a website would:</p>
            <pre><code>&lt;script src="{{"{"}}this server{{"}"}}/widget.js" data-channel="{{key}}" async&gt;&lt;/script&gt;</code></pre>
            <p>Open the chat button in the corner and write a message; the channel's agent answers.</p>
            <script src="/widget.js" data-channel="{{key}}" async></script>
            </body></html>
            """, "text/html; charset=utf-8");
    }

    // ---- /widget.js -------------------------------------------------------------------------

    private static readonly Lazy<(byte[] Body, string ETag)> Script = new(() =>
    {
        using var s = typeof(WebchatApi).Assembly.GetManifestResourceStream("Clientele.Webchat.widget.js")
            ?? throw new InvalidOperationException("widget.js is not embedded");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        var body = ms.ToArray();
        return (body, "\"" + Convert.ToHexString(SHA256.HashData(body))[..16].ToLowerInvariant() + "\"");
    });

    private static IResult Widget(HttpContext ctx)
    {
        var (body, etag) = Script.Value;
        var h = ctx.Response.Headers;
        h.ETag = etag;
        h.CacheControl = "public, max-age=300";
        h.AccessControlAllowOrigin = "*";
        h["Cross-Origin-Resource-Policy"] = "cross-origin";
        h.XContentTypeOptions = "nosniff";
        if (ctx.Request.Headers.IfNoneMatch.ToString().Split(',').Any(t => t.Trim() == etag)) return Results.StatusCode(304);
        return Results.Bytes(body, "text/javascript; charset=utf-8");
    }

    // ---- channel, CORS, visitor -----------------------------------------------------------------

    private static async ValueTask<object?> ChannelFilter(EndpointFilterInvocationContext ic, EndpointFilterDelegate next)
    {
        var ctx = ic.HttpContext;
        var key = ctx.GetRouteValue("publicKey")?.ToString() ?? "";
        var channel = await ctx.RequestServices.GetRequiredService<WebchatChannels>().FindAsync(key, ctx.RequestAborted)
            ?? throw ProblemException.NotFound("No active webchat channel has this public key.");
        WebchatChannels.ApplyCors(ctx, channel);
        if (WebchatChannels.IsPreflight(ctx.Request))
        {
            ctx.Response.Headers.AccessControlAllowMethods = WebchatChannels.AllowedMethods;
            ctx.Response.Headers.AccessControlAllowHeaders = WebchatChannels.AllowedHeaders;
            ctx.Response.Headers.AccessControlMaxAge = "600";
            return Results.NoContent();
        }
        ctx.Items[ChannelItem] = channel;
        return await next(ic);
    }

    private static WebchatChannel ChannelOf(HttpContext ctx) => (WebchatChannel)ctx.Items[ChannelItem]!;

    private static Visitor Authenticate(HttpContext ctx, WebchatChannel channel, VisitorTokens tokens, string? token)
    {
        var visitor = tokens.Read(token);
        if (visitor is null)
        {
            ctx.Response.Headers.WWWAuthenticate = "Bearer realm=\"webchat\"";
            throw new ProblemException(401, "Unauthorized",
                "Send the visitor token of POST /webchat/{publicKey}/sessions as 'Authorization: Bearer …' (?token=… on /stream); it is missing, invalid or expired.");
        }
        if (visitor.ChannelId != channel.PhoneNumberId || visitor.OrganizationId != channel.OrganizationId)
            throw ProblemException.Forbidden("This visitor token belongs to another webchat channel.");
        return visitor;
    }

    private static string? BearerToken(HttpContext ctx)
    {
        var h = ctx.Request.Headers.Authorization.ToString();
        return h.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? h["Bearer ".Length..].Trim() : null;
    }

    // ---- endpoints ------------------------------------------------------------------------------

    private static IResult Config(HttpContext ctx, WebchatOptions options)
    {
        var ch = ChannelOf(ctx);
        var color = ch.Settings["color"] is JsonValue c && c.TryGetValue<string>(out var cs) && ColorPattern().IsMatch(cs) ? cs : "#2563eb";
        return Results.Json(new
        {
            title = Text(ch.Settings, "title", 80) ?? ch.DisplayName ?? "Chat with us",
            greeting = Text(ch.Settings, "greeting", 500) ?? "Hi! How can we help you today?",
            color,
            max_message_length = options.MaxMessageLength,
        });
    }

    private static string? Text(JsonObject o, string name, int max) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? (s.Length > max ? s[..max] : s) : null;

    private static async Task<IResult> StartSession(HttpContext ctx, VisitorTokens tokens, WebchatLimits limits, WebchatOptions options)
    {
        var ch = ChannelOf(ctx);
        ctx.Request.EnableBuffering();
        var raw = await JsonBody.ReadBytesAsync(ctx);
        var req = new SessionRequest(null, null);
        if (raw.Length > 0)
        {
            ctx.Request.Body.Position = 0;
            req = await JsonBody.ReadAsync<SessionRequest>(ctx);
        }
        var errors = new FieldErrors();
        var name = string.IsNullOrWhiteSpace(req.Name) ? null : req.Name.Trim();
        var email = string.IsNullOrWhiteSpace(req.Email) ? null : req.Email.Trim();
        if (name is { Length: > 100 }) errors.Add("name", "is longer than 100 characters");
        if (email is not null && !Validation.IsEmail(email)) errors.Add("email", "is not an email address");
        errors.ThrowIfAny();
        limits.StartSession(ctx);

        var visitor = new Visitor(ch.OrganizationId, ch.PhoneNumberId, VisitorTokens.NewVisitorId(), name, email);
        return Results.Json(new
        {
            visitor_token = tokens.Issue(visitor),
            visitor_id = visitor.VisitorId,
            expires_at = DateTime.UtcNow.Add(options.VisitorTokenLifetime).ToString("O", CultureInfo.InvariantCulture),
        }, statusCode: 201);
    }

    private static async Task<IResult> Send(HttpContext ctx, VisitorTokens tokens, WebchatLimits limits, WebchatOptions options, InboundIngestor ingestor)
    {
        var ch = ChannelOf(ctx);
        var visitor = Authenticate(ctx, ch, tokens, BearerToken(ctx));
        var req = await JsonBody.ReadAsync<MessageRequest>(ctx);
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(req.Text)) errors.Add("text", "is required (1 to " + options.MaxMessageLength + " characters)");
        else if (req.Text.Length > options.MaxMessageLength) errors.Add("text", $"is longer than {options.MaxMessageLength} characters");
        if (req.ClientMessageId is not null && !ClientMessageIdPattern().IsMatch(req.ClientMessageId))
            errors.Add("client_message_id", "must be 1 to 60 letters, digits or . _ : -");
        errors.ThrowIfAny();
        limits.SendMessage(ctx, visitor);

        var clientId = req.ClientMessageId ?? Guid.NewGuid().ToString("N");
        var payload = new JsonObject
        {
            ["from"] = visitor.VisitorId, ["name"] = visitor.Name, ["email"] = visitor.Email,
            // Scoped by visitor: one visitor's ids can never collide with (or suppress) another's.
            ["message_id"] = $"wc:{visitor.VisitorId}:{clientId}",
            ["timestamp"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["type"] = "text", ["text"] = req.Text,
            ["origin"] = ctx.Request.Headers.Origin.ToString() is { Length: > 0 } o ? o : null,
        };
        var result = await ingestor.IngestAsync([new InboundItem("webchat", ch.PublicKey, "message", $"{visitor.VisitorId}:{clientId}", payload)], ctx.RequestAborted);
        if (result.Unrouted > 0) throw ProblemException.NotFound("No active webchat channel has this public key.");
        return Results.Json(new { client_message_id = clientId, status = result.New > 0 ? "accepted" : "duplicate" }, statusCode: 202);
    }

    private static async Task<IResult> History(HttpContext ctx, VisitorTokens tokens, TenantSessions sessions)
    {
        var ch = ChannelOf(ctx);
        var visitor = Authenticate(ctx, ch, tokens, BearerToken(ctx));
        var after = ParseAfter(ctx.Request.Query["after"].ToString(), "after") ?? 0;
        var page = await ReadAsync(sessions, ch, visitor, after, ctx.RequestAborted);
        return Results.Json(new JsonObject
        {
            ["object"] = "list",
            ["conversation_id"] = page.ConversationId?.ToString(),
            ["data"] = new JsonArray(page.Messages.Select(m => (JsonNode)m).ToArray()),
            ["has_more"] = page.HasMore,
        });
    }

    private static int? ParseAfter(string? value, string field)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            throw ProblemException.BadRequest($"{field} must be a sequence number (0 or more).", new Dictionary<string, string[]> { [field] = ["must be an integer of 0 or more"] });
        return n;
    }

    private static async Task Stream(HttpContext ctx, VisitorTokens tokens, TenantSessions sessions, WebchatLimits limits, WebchatOptions options,
        WebchatLive live, IHostApplicationLifetime lifetime)
    {
        var ch = ChannelOf(ctx);
        var visitor = Authenticate(ctx, ch, tokens, ctx.Request.Query["token"].ToString() is { Length: > 0 } q ? q : BearerToken(ctx));
        // EventSource resends the last id it saw when it reconnects.
        var after = ParseAfter(ctx.Request.Headers["Last-Event-ID"].ToString(), "Last-Event-ID") ?? ParseAfter(ctx.Request.Query["after"].ToString(), "after") ?? 0;
        using var slot = limits.OpenStream(ctx, visitor);
        using var subscription = live.Subscribe(ch.PhoneNumberId, visitor.VisitorId);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, lifetime.ApplicationStopping);
        cts.CancelAfter(options.MaxStreamDuration);
        var ct = cts.Token;

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream; charset=utf-8";
        ctx.Response.Headers.CacheControl = "no-cache, no-store";
        ctx.Response.Headers["X-Accel-Buffering"] = "no";
        ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var body = ctx.Response.Body;
        var sinceWrite = Stopwatch.StartNew();
        try
        {
            await WriteAsync(body, "retry: 3000\n\n", ct);
            Guid? conversation = null;
            while (!ct.IsCancellationRequested)
            {
                var page = await ReadAsync(sessions, ch, visitor, after, ct);
                if (page.ConversationId is { } current)
                {
                    if (conversation is { } known && known != current)
                    {
                        // The conversation was closed and the visitor started a new one: numbering restarts.
                        conversation = current;
                        after = 0;
                        await WriteAsync(body, $"event: conversation\nid: 0\ndata: {new JsonObject { ["conversation_id"] = current.ToString() }.ToJsonString()}\n\n", ct);
                        sinceWrite.Restart();
                        continue;
                    }
                    conversation = current;
                }
                if (page.Messages.Count > 0)
                {
                    var sb = new StringBuilder();
                    foreach (var m in page.Messages)
                    {
                        var seq = m["sequence_no"]!.GetValue<int>();
                        sb.Append("id: ").Append(seq.ToString(CultureInfo.InvariantCulture)).Append("\ndata: ").Append(m.ToJsonString()).Append("\n\n");
                        after = seq;
                    }
                    await WriteAsync(body, sb.ToString(), ct);
                    sinceWrite.Restart();
                    if (page.HasMore) continue;
                }
                var untilBeat = options.Heartbeat - sinceWrite.Elapsed;
                if (untilBeat <= TimeSpan.Zero)
                {
                    await WriteAsync(body, ": ping\n\n", ct);
                    sinceWrite.Restart();
                    continue;
                }
                var poll = live.IsListening ? options.SafetyPoll : TimeSpan.FromMilliseconds(500);
                await subscription.WaitAsync(untilBeat < poll ? untilBeat : poll, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { /* the visitor left, the stream's time is up, or the node stops */ }
        catch (IOException) when (ctx.RequestAborted.IsCancellationRequested) { /* the connection broke */ }
    }

    private static async Task WriteAsync(Stream body, string text, CancellationToken ct)
    {
        await body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await body.FlushAsync(ct);
    }

    // ---- reads ----------------------------------------------------------------------------------

    private sealed record Page(Guid? ConversationId, List<JsonObject> Messages, bool HasMore);

    /// <summary>
    /// The visitor's conversation on the channel (the active one; after an operator closed it, the
    /// latest until the visitor writes again) and its messages after a sequence number, in the
    /// channel's tenant session (row-level security applies as for any tenant read).
    /// </summary>
    private static async Task<Page> ReadAsync(TenantSessions sessions, WebchatChannel ch, Visitor v, int after, CancellationToken ct)
    {
        await using var s = sessions.Open(ch.Tenant);
        await using var r = await s.BatchReaderAsync("""
            WITH conv AS (
              SELECT id FROM conversations
              WHERE organization_id = $1 AND phone_number_id = $2 AND customer_phone = $3 AND channel = 'web_chat' AND deleted_at IS NULL
              ORDER BY is_active DESC, started_at DESC LIMIT 1)
            SELECT conv.id, m.id, m.role, m.content, m.sequence_no, m."timestamp", m.status, m.agent_name, m.platform_message_id
            FROM conv LEFT JOIN LATERAL (
              SELECT * FROM messages x
              WHERE x.organization_id = $1 AND x.conversation_id = conv.id AND x.sequence_no > $4 AND x.deleted_at IS NULL AND x.role IN ('user', 'assistant')
              ORDER BY x.sequence_no LIMIT $5) m ON true
            ORDER BY m.sequence_no
            """,
            [ch.OrganizationId, ch.PhoneNumberId, v.VisitorId, after, PageSize + 1], ct);
        Guid? conversation = null;
        var list = new List<JsonObject>();
        var prefix = $"wc:{v.VisitorId}:";
        while (await r.ReadAsync(ct))
        {
            conversation = r.GetGuid(0);
            if (r.IsDBNull(1)) continue;
            var platformId = r.IsDBNull(8) ? null : r.GetString(8);
            list.Add(new JsonObject
            {
                ["id"] = r.GetGuid(1).ToString(),
                ["conversation_id"] = conversation.Value.ToString(),
                ["role"] = r.GetString(2),
                ["content"] = r.GetString(3),
                ["sequence_no"] = r.GetInt32(4),
                ["timestamp"] = r.GetFieldValue<DateTime>(5).ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
                ["status"] = r.IsDBNull(6) ? null : r.GetString(6),
                ["agent_name"] = r.GetString(2) == "assistant" && !r.IsDBNull(7) ? r.GetString(7) : null,
                ["client_message_id"] = platformId is not null && platformId.StartsWith(prefix, StringComparison.Ordinal) ? platformId[prefix.Length..] : null,
            });
        }
        var more = list.Count > PageSize;
        if (more) list.RemoveAt(list.Count - 1);
        return new Page(conversation, list, more);
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,60}$")]
    private static partial Regex ClientMessageIdPattern();

    [GeneratedRegex("^#[0-9a-fA-F]{3,8}$")]
    private static partial Regex ColorPattern();
}
