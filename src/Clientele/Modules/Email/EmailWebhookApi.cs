using Clientele.Modules.Channels;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Email;

/// <summary>
/// POST /webhooks/email: one inbound email as JSON (docs/channels-email.md), signed with
/// X-Clientele-Signature: sha256=&lt;hex HMAC-SHA256 of the raw body with Email__InboundSecret&gt;.
/// The email is persisted (deduplicated by Message-ID) and answered at once; the conversation,
/// threading and reply happen in the outbox workers.
/// </summary>
public static class EmailWebhookApi
{
    public const string SignatureHeader = "X-Clientele-Signature";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/webhooks/email", Receive).AllowAnonymous().WithTags("Webhooks").WithName("ReceiveEmailWebhook")
            .WithSummary("An inbound email as JSON, signed with X-Clientele-Signature (HMAC-SHA256 of the body with Email__InboundSecret)");

    private static async Task<IResult> Receive(HttpContext ctx, EmailOptions options, InboundIngestor ingestor)
    {
        var body = await JsonBody.ReadBytesAsync(ctx);
        if (string.IsNullOrEmpty(options.InboundSecret))
            throw new ProblemException(503, "Service unavailable", "Inbound email is not configured on this server (Email__InboundSecret is not set).");
        if (!MetaSignature.IsValid(options.InboundSecret, ctx.Request.Headers[SignatureHeader], body))
            throw new ProblemException(401, "Unauthorized", $"{SignatureHeader} is missing or does not match the body (sha256=<hex HMAC-SHA256 of the raw body with Email__InboundSecret>).");
        // A signed delivery is always acknowledged (a retrying relay would resend the same bytes
        // forever); what could not be read is kept as a rejected event and the errors are returned.
        if (ingestor.ParseBody("email", body) is not { } root)
            return Results.Json(new { received = 1, @new = 0, unrouted = 1, rejected = 0, errors = new Dictionary<string, string[]> { ["_"] = ["the body is not JSON"] } });
        var parsed = InboundEmailParser.Parse(root);
        var r = await ingestor.IngestAsync([parsed.Item], ctx.RequestAborted);
        if (parsed.Errors is null) return Results.Json(InboundIngestor.Answer(r));
        return Results.Json(new { received = r.Received, @new = r.New, unrouted = r.Unrouted, rejected = r.Rejected, errors = parsed.Errors });
    }
}
