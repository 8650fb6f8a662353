using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Channels;

/// <summary>
/// /webhooks/whatsapp and /webhooks/instagram: Meta's subscription handshake (GET) and event
/// delivery (POST, X-Hub-Signature-256 over the raw body). Events are persisted and answered
/// at once; everything else happens in the outbox workers.
/// </summary>
public static class MetaWebhooksApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var platform in new[] { "whatsapp", "instagram" })
        {
            var path = "/webhooks/" + platform;
            app.MapGet(path, Verify).AllowAnonymous().WithTags("Webhooks").WithName($"Verify{platform}Webhook")
                .WithSummary("Meta's subscription handshake: echoes hub.challenge when hub.verify_token matches Meta__VerifyToken");
            app.MapPost(path, Receive).AllowAnonymous().WithTags("Webhooks").WithName($"Receive{platform}Webhook")
                .WithSummary("Meta webhook events, signed with X-Hub-Signature-256");
        }
    }

    private static IResult Verify(HttpContext ctx, MetaOptions meta)
    {
        var q = ctx.Request.Query;
        var token = meta.VerifyToken;
        if (q["hub.mode"] == "subscribe" && !string.IsNullOrEmpty(token) &&
            System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(q["hub.verify_token"].ToString()), System.Text.Encoding.UTF8.GetBytes(token)))
            return Results.Text(q["hub.challenge"].ToString(), "text/plain");
        throw ProblemException.Forbidden("hub.verify_token does not match this server's Meta__VerifyToken (or hub.mode is not subscribe).");
    }

    private static async Task<IResult> Receive(HttpContext ctx, MetaOptions meta, InboundIngestor ingestor)
    {
        var body = await JsonBody.ReadBytesAsync(ctx);
        if (string.IsNullOrEmpty(meta.AppSecret))
            throw new ProblemException(503, "Service unavailable", "Meta webhooks are not configured on this server (Meta__AppSecret is not set).");
        if (!MetaSignature.IsValid(meta.AppSecret, ctx.Request.Headers["X-Hub-Signature-256"], body))
            throw new ProblemException(401, "Unauthorized", "X-Hub-Signature-256 is missing or does not match the body.");
        // From here on the delivery is Meta's and always acknowledged (a non-2xx answer only makes
        // Meta redeliver the same bytes forever): unreadable items are kept as rejected events.
        var platform = ctx.Request.Path.Value!.EndsWith("instagram", StringComparison.Ordinal) ? "instagram" : "whatsapp";
        if (ingestor.ParseBody(platform, body) is not { } root)
            return Results.Json(InboundIngestor.Answer(new InboundIngestor.Result(1, 0, 1, 0)));
        var items = MetaWebhookParser.Parse(root, platform);
        var result = await ingestor.IngestAsync(items, ctx.RequestAborted);
        return Results.Json(InboundIngestor.Answer(result));
    }
}
