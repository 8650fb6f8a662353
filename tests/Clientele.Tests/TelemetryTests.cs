using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Clientele.Platform.Telemetry;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>
/// The host with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a loopback OTLP/HTTP receiver, JSON logs
/// on, and its console captured (the console logger takes Console.Out when it is built, so the
/// class runs alone: see the collection).
/// </summary>
public sealed class TelemetryFixture : AppFixture
{
    private readonly TextWriter _console = System.Console.Out;
    public FakeOtlpReceiver Otlp { get; private set; } = null!;
    public StringWriter Logs { get; } = new();

    protected override Dictionary<string, string?> Config => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Otlp.BaseAddress.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        ["Logging:Json"] = "true",
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
    };

    public string LogText { get { lock (Logs) return Logs.ToString(); } }

    public override async Task InitializeAsync()
    {
        Otlp = await FakeOtlpReceiver.StartAsync();
        System.Console.SetOut(TextWriter.Synchronized(Logs));
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        System.Console.SetOut(_console);
        await Otlp.DisposeAsync();
    }
}

[CollectionDefinition("Console capture", DisableParallelization = true)]
public sealed class ConsoleCaptureCollection;

[Collection("Console capture")]
public sealed class TelemetryTests(TelemetryFixture app) : IClassFixture<TelemetryFixture>
{
    [Fact]
    public async Task A_request_is_exported_over_otlp_with_its_trace_id_and_its_logs_carry_that_trace_id_and_a_timestamp()
    {
        var traceId = ActivityTraceId.CreateRandom();
        // No propagator on this client: in this process the host's HttpClient instrumentation would
        // otherwise add a traceparent of its own beside ours.
        using var c = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = app.BaseAddress };
        using var req = new HttpRequestMessage(HttpMethod.Get, "/api/v1/customers");
        req.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        (await c.SendAsync(req)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var raw = new byte[16];
        traceId.CopyTo(raw);
        await Eventually.GetAsync(() => Task.FromResult(app.Otlp.Received("/v1/traces", raw)), ok => ok, what: "a trace export carrying the request's trace id");
        app.Otlp.Exports.First(e => e.Path == "/v1/traces").ContentType.ShouldBe("application/x-protobuf");

        var line = await Eventually.GetAsync(() => Task.FromResult(app.LogText.Split('\n').FirstOrDefault(l => l.Contains(traceId.ToHexString()))),
            l => l is not null, what: "a log line with the trace id");
        using var log = JsonDocument.Parse(line!);
        DateTimeOffset.TryParse(log.RootElement.GetProperty("Timestamp").GetString(), out var at).ShouldBeTrue();
        at.ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        log.RootElement.GetProperty("Scopes").EnumerateArray()
            .Any(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("TraceId", out var t) && t.GetString() == traceId.ToHexString())
            .ShouldBeTrue();
    }

    [Fact]
    public async Task An_outbox_job_run_is_exported_as_a_span_and_the_outbox_metrics_are_exported()
    {
        var t = await app.SignupAsync();
        await using (var db = await app.OwnerAsync())
        {
            await using var cmd = new Npgsql.NpgsqlCommand(
                "INSERT INTO outbox (id, organization_id, topic, payload) VALUES (gen_random_uuid(), $1, 'message.send', jsonb_build_object('message_id', gen_random_uuid()))", db);
            cmd.Parameters.AddWithValue(t.OrganizationId);
            await cmd.ExecuteNonQueryAsync();
        }
        await Eventually.GetAsync(() => Task.FromResult(app.Otlp.Received("/v1/traces", Encoding.UTF8.GetBytes("outbox message.send"))), ok => ok,
            what: "the outbox span");
        await Eventually.GetAsync(() => Task.FromResult(app.Otlp.Received("/v1/metrics", Encoding.UTF8.GetBytes("clientele.outbox.runs"))), ok => ok,
            what: "the outbox run counter");
    }

    [Fact]
    public void Without_an_otlp_endpoint_no_telemetry_sdk_is_registered()
    {
        var b = WebApplication.CreateSlimBuilder();
        b.AddClienteleTelemetry();
        using var services = b.Services.BuildServiceProvider();
        services.GetService<TracerProvider>().ShouldBeNull();
        app.App.Services.GetService<TracerProvider>().ShouldNotBeNull();
    }
}
