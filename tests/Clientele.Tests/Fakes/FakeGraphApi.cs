using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Clientele.Tests.Fakes;

/// <summary>
/// Meta's Graph API send endpoint on loopback: POST /{version}/{id}/messages answers like the
/// WhatsApp Cloud API ({"messages":[{"id":"wamid…"}]}) or Instagram ({"message_id":…}), and can be
/// told to fail the next calls with Meta's error shape (status + {"error":{message,type,code}}).
/// </summary>
public sealed class FakeGraphApi : IAsyncDisposable
{
    public sealed record Call(string Path, string? Authorization, JsonObject Body, DateTime At);

    private WebApplication _app = null!;
    private readonly ConcurrentQueue<(int Status, int Code, string? RetryAfter)> _failures = new();
    private int _counter;
    public ConcurrentQueue<Call> Calls { get; } = new();
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The next `times` calls answer `status` with Meta error `code`.</summary>
    public void FailNext(int times, int status, int code = 131000, string? retryAfter = null)
    {
        for (var i = 0; i < times; i++) _failures.Enqueue((status, code, retryAfter));
    }

    public static async Task<FakeGraphApi> StartAsync()
    {
        var fake = new FakeGraphApi();
        var b = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        b.Logging.ClearProviders();
        fake._app = b.Build();
        fake._app.MapPost("/{version}/{id}/messages", async (string version, string id, HttpContext ctx) =>
        {
            var body = (await JsonNode.ParseAsync(ctx.Request.Body))!.AsObject();
            fake.Calls.Enqueue(new Call(ctx.Request.Path, ctx.Request.Headers.Authorization, body, DateTime.UtcNow));
            if (fake._failures.TryDequeue(out var f))
            {
                if (f.RetryAfter is not null) ctx.Response.Headers.RetryAfter = f.RetryAfter;
                return Results.Json(new { error = new { message = $"fake failure {f.Code}", type = "OAuthException", code = f.Code, fbtrace_id = "Afake" } }, statusCode: f.Status);
            }
            var n = Interlocked.Increment(ref fake._counter);
            if (body["messaging_product"]?.GetValue<string>() == "whatsapp")
                return Results.Json(new { messaging_product = "whatsapp", contacts = new[] { new { input = body["to"]!.GetValue<string>(), wa_id = body["to"]!.GetValue<string>() } }, messages = new[] { new { id = $"wamid.FAKE{n}" } } });
            return Results.Json(new { recipient_id = body["recipient"]?["id"]?.GetValue<string>(), message_id = $"mid.FAKE{n}" });
        });
        await fake._app.StartAsync();
        fake.BaseAddress = new Uri(fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
