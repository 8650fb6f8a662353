using System.Text.Json;
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
        JsonElement root;
        try { root = InboundIngestor.ParseBody(body); }
        catch (JsonException) { throw ProblemException.BadRequest("The webhook body is not JSON."); }
        var item = InboundEmailParser.Parse(root);
        var result = await ingestor.IngestAsync([item], ctx.RequestAborted);
        return Results.Json(new { received = result.Received, @new = result.New, unrouted = result.Unrouted });
    }
}
