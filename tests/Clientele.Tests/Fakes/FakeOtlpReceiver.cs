using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Clientele.Tests.Fakes;

/// <summary>
/// An OTLP/HTTP collector on loopback: accepts protobuf exports at /v1/traces and /v1/metrics
/// (answering 200 with an empty ExportServiceResponse) and keeps each request's path,
/// content type and raw body, so tests can look for trace ids and span names in the bytes.
/// </summary>
public sealed class FakeOtlpReceiver : IAsyncDisposable
{
    public sealed record Export(string Path, string? ContentType, byte[] Body);

    private WebApplication _app = null!;
    public ConcurrentQueue<Export> Exports { get; } = new();
    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<FakeOtlpReceiver> StartAsync()
    {
        var fake = new FakeOtlpReceiver();
        var b = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        b.Logging.ClearProviders();
        fake._app = b.Build();
        fake._app.MapPost("/v1/{signal}", async (string signal, HttpContext ctx) =>
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms);
            fake.Exports.Enqueue(new Export(ctx.Request.Path, ctx.Request.ContentType, ms.ToArray()));
            return Results.Bytes([], "application/x-protobuf");
        });
        await fake._app.StartAsync();
        fake.BaseAddress = new Uri(fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return fake;
    }

    /// <summary>True once some export to `path` contains `bytes` (e.g. a raw 16-byte trace id).</summary>
    public bool Received(string path, byte[] bytes) =>
        Exports.Any(e => e.Path == path && e.Body.AsSpan().IndexOf(bytes) >= 0);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
