using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Clientele.Platform.Telemetry;

/// <summary>
/// Logs always carry the trace and span id of the current request or job (a log scope). Traces
/// and metrics are exported over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set (environment
/// or configuration); otherwise no OpenTelemetry SDK is registered at all, nothing listens to
/// the activity sources, and the instrumentation costs a null check.
/// The exporter reads the standard OTEL_* settings itself (OTEL_EXPORTER_OTLP_PROTOCOL:
/// grpc by default, http/protobuf; OTEL_EXPORTER_OTLP_HEADERS; OTEL_SERVICE_NAME; OTEL_BSP_*).
/// </summary>
public static class TelemetrySetup
{
    public static void AddClienteleTelemetry(this WebApplicationBuilder builder)
    {
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) return;

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "clientele",
                serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource(ClienteleTelemetry.Name, Jobs.OutboxTelemetry.SourceName)
                .AddOtlpExporter())
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter("System.Runtime") // .NET's own runtime metrics
                .AddMeter("Npgsql")
                .AddMeter(ClienteleTelemetry.Name)
                .AddOtlpExporter());
    }

}
