using Clientele.Platform.Auth;
using Clientele.Platform.WebConsole;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Idempotency;
using Clientele.Platform.Jobs;
using Clientele.Platform.OpenApi;
using Clientele.Platform.Resources;
using Clientele.Platform.Scheduling;
using Clientele.Platform.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Clientele.Platform.Hosting;

/// <summary>Builds the one host: database, services of every module, middleware, endpoints.</summary>
public static class ClienteleHost
{
    public const long MaxBodyBytes = 1024 * 1024;

    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.Logging.ClearProviders();
        if (builder.Configuration.GetValue("Logging:Json", true))
            builder.Logging.AddJsonConsole(o => { o.IncludeScopes = true; o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; });
        else
            builder.Logging.AddSimpleConsole(o => { o.IncludeScopes = true; o.SingleLine = true; });
        builder.AddClienteleTelemetry(); // trace ids in logs; OTLP export when OTEL_EXPORTER_OTLP_ENDPOINT is set

        // Modules first: their configuration is validated before any database is started.
        foreach (var m in IModule.All) m.AddServices(builder.Services, builder.Configuration);
        if (SecurityHeaders.ValidateProxySettings(builder.Configuration).ToList() is { Count: > 0 } proxyErrors)
            throw new InvalidOperationException(string.Join("; ", proxyErrors));

        using var bootLoggers = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        var db = await DatabaseBootstrap.PrepareAsync(builder.Configuration, bootLoggers, migrate: true);
        var appBuilder = new NpgsqlDataSourceBuilder(db.Settings.AppConnectionString);
        // Statements repeat on every request and job (tenant set_config, resource SELECTs, outbox
        // claims): Npgsql prepares the frequent ones per connection, so PostgreSQL stops re-parsing and
        // re-planning them. A connection string that sets Max Auto Prepare itself keeps its value.
        if (!db.Settings.AppConnectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
            appBuilder.ConnectionStringBuilder.MaxAutoPrepare = builder.Configuration.GetValue("Database:MaxAutoPrepare", 100);
        var appDataSource = appBuilder.Build();
        var catalog = await SchemaCatalog.LoadAsync(appDataSource);

        var s = builder.Services;
        s.AddSingleton(db);
        s.AddSingleton(db.Settings);
        s.AddSingleton(new AppDataSource(appDataSource));
        s.AddSingleton(catalog);
        s.AddSingleton<DbModel>();
        var resourceOptions = new ResourceOptions();
        foreach (var m in IModule.All) m.ConfigureResources(resourceOptions);
        s.AddSingleton(resourceOptions);
        s.AddSingleton<ResourceRegistry>();
        s.AddSingleton<BodyBinder>();
        s.AddSingleton<ResourceStore>();
        s.AddScoped<ActionEndpoint>();
        s.AddSingleton<TenantSessions>();
        s.AddScoped<TenantContext>();
        s.AddDataProtection().SetApplicationName("Clientele")
            .AddKeyManagementOptions(o => o.XmlRepository = new PostgresXmlRepository(appDataSource))
            .ProtectKeyRing(builder.Configuration, bootLoggers.CreateLogger("Clientele.DataProtection"));
        s.AddClienteleAuthentication();
        s.AddClienteleConsole();
        s.AddScoped<ConsoleChrome>();
        s.AddClienteleSecurityHeaders(builder.Configuration);
        s.AddClienteleRateLimits(builder.Configuration);
        s.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        s.AddClienteleOpenApi();
        s.AddHttpClient();
        s.AddClienteleJobs();
        s.AddClienteleScheduler(builder.Configuration, db.Settings.AppConnectionString);
        s.AddSystemJob("platform.idempotency_purge", builder.Configuration["Idempotency:PurgeCron"] ?? "0 7 * * * ?",
            (run, ct) => IdempotencyPurgeJob.PurgeAsync(run.Services.GetRequiredService<AppDataSource>(), ct), "Deletes Idempotency-Key records past 24 hours");
        s.Configure<KestrelServerOptions>(o =>
        {
            o.Limits.MaxRequestBodySize = MaxBodyBytes;
            // Kestrel answers a too-long request line itself with an empty 414; letting lines up to
            // 64 KB through means ErrorHandlingMiddleware answers past MaxUrlLength with problem+json.
            o.Limits.MaxRequestLineSize = 64 * 1024;
        });

        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            appDataSource.Dispose();
            db.Local?.StopAsync().GetAwaiter().GetResult();
        });

        app.UseClienteleSecurityHeaders();
        app.Use(async (ctx, next) =>
        {
            ctx.Response.Headers["X-Request-Id"] = ctx.TraceIdentifier;
            await next(ctx);
        });
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseClienteleConsole();
        app.UseAuthentication();
        app.Use(async (ctx, next) =>
        {
            AuthenticationSetup.Fill(ctx.RequestServices.GetRequiredService<TenantContext>(), ctx);
            await next(ctx);
        });
        app.UseMiddleware<Modules.BackOffice.Suspension.SuspensionGate>(); // a suspended organization's credentials stop here (docs/admin.md)
        app.UseMiddleware<Modules.BackOffice.ViewAs.ReadOnlyViewGate>(); // staff viewing as a user write nothing (docs/admin.md)
        app.UseMiddleware<RequestGuardsMiddleware>();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseMiddleware<IdempotencyMiddleware>();

        app.MapClienteleOpenApi();
        DatabaseReadyCheck.Map(app);
        app.MapClienteleConsole();

        foreach (var m in IModule.All) m.MapRoot(app);
        var api = app.MapGroup("/api/v1").RequireAuthorization();
        foreach (var m in IModule.All) m.MapEndpoints(api);
        ResourceApi.Map(api);
        return app;
    }
}
