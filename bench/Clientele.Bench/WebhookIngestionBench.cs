using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Bench;

/// <summary>
/// Issue 4's ingestion target: signed webhooks acknowledged and persisted per second, p50/p99,
/// against a baseline endpoint that only inserts the same row (raw Npgsql, no signature, no
/// parsing, no tenant resolution). Outbox workers are off, so this measures ingestion alone.
/// </summary>
public static class WebhookIngestionBench
{
    private const int Workers = 32;
    private const string MetaId = "BENCHPN1";

    public static async Task RunAsync(TimeSpan round)
    {
        await using var db = await BenchDatabase.CreateAsync("webhooks");
        await using var app = await ClienteleHost.BuildAsync(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration["ConnectionStrings:Clientele"] = db.Owner;
            b.Configuration["Logging:Json"] = "false";
            b.Configuration["Logging:LogLevel:Default"] = "Warning";
            b.Configuration["Meta:AppSecret"] = WebhookPayloads.Secret;
            b.Configuration["Outbox:Enabled"] = "false";
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        await SetUpChannelAsync(http, MetaId);

        await using var baseline = await StartBaselineAsync(db.Owner);
        var baseUrl = baseline.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var baseHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };

        var run = Guid.NewGuid().ToString("N")[..8];
        HttpRequestMessage Api(int i) => WebhookPayloads.Request("/webhooks/whatsapp", WebhookPayloads.Text(MetaId, Phone(i), $"wamid.{run}.{i}"));
        HttpRequestMessage Base(int i) => WebhookPayloads.Request("/baseline/webhook", WebhookPayloads.Text(MetaId, Phone(i), $"wamid.b{run}.{i}"));

        Console.WriteLine($"Webhook ingestion: signed WhatsApp text webhooks, {Workers} concurrent senders, {round.TotalSeconds:0} s rounds, {Environment.ProcessorCount} cores");
        var offset = 0;
        await LoadDriver.RunAsync(http, i => Api(offset + i), TimeSpan.FromSeconds(2), Workers);
        offset += 1_000_000;
        await LoadDriver.RunAsync(baseHttp, i => Base(offset + i), TimeSpan.FromSeconds(2), Workers);
        var before = await db.CountAsync("SELECT count(*) FROM inbound_events WHERE external_id LIKE 'wamid." + run + ".%'");
        offset += 1_000_000;
        var b = await LoadDriver.RunAsync(baseHttp, i => Base(offset + i), round, Workers);
        offset += 1_000_000;
        var a = await LoadDriver.RunAsync(http, i => Api(offset + i), round, Workers);
        var persisted = await db.CountAsync("SELECT count(*) FROM inbound_events WHERE external_id LIKE 'wamid." + run + ".%'") - before;
        var outbox = await db.CountAsync("SELECT count(*) FROM outbox");
        var queued = await db.CountAsync("SELECT count(*) FROM inbound_events WHERE status = 'received' AND processed_at IS NULL");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  max throughput   webhook API {a.RequestsPerSecond,7:0}/s (p50 {a.P50Ms:0.0} ms, p99 {a.P99Ms:0.0} ms, errors {a.Errors}) | baseline insert {b.RequestsPerSecond,7:0}/s (p50 {b.P50Ms:0.0} ms, p99 {b.P99Ms:0.0} ms) | ratio {a.RequestsPerSecond / b.RequestsPerSecond:0.00}"));
        Console.WriteLine($"  persisted        {persisted} inbound events for the measured round's acknowledged webhooks ({outbox} outbox rows in all: the event is its own queue entry; {queued} events waiting for the workers, which are off)");

        // Sustained: open loop at 80% of the baseline's closed-loop maximum (issue 16's target) for the
        // round; latency counted from each request's scheduled time.
        offset += 1_000_000;
        var rate = Math.Max(1, (int)(b.RequestsPerSecond * 0.8));
        var fixedRate = await FixedRateAsync(http, i => Api(offset + i), rate, round);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  sustained {rate}/s (80% of the baseline's maximum) achieved {fixedRate.Rate:0}/s, p50 {fixedRate.P50:0.0} ms, p99 {fixedRate.P99:0.0} ms, errors {fixedRate.Errors} (targets: the rate held, p99 < 100 ms); the driver sent p99 {fixedRate.LagP99:0.0} ms after the scheduled time"));
        // Headroom: the same open loop at the baseline's whole closed-loop maximum.
        offset += 1_000_000;
        var full = Math.Max(1, (int)b.RequestsPerSecond);
        var fullRate = await FixedRateAsync(http, i => Api(offset + i), full, round);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  sustained {full}/s (100% of the baseline's maximum) achieved {fullRate.Rate:0}/s, p50 {fullRate.P50:0.0} ms, p99 {fullRate.P99:0.0} ms, errors {fullRate.Errors}; the driver sent p99 {fullRate.LagP99:0.0} ms late"));
        await app.StopAsync();
        await baseline.StopAsync();
    }

    public static string Phone(int i) => "55119" + (i % 5000).ToString("00000000", CultureInfo.InvariantCulture);

    public static async Task SetUpChannelAsync(HttpClient http, string metaId)
    {
        var signup = await http.PostAsJsonAsync("/api/v1/signup", new { organization_name = "Bench", name = "Bench Owner", email = $"bench-{Guid.NewGuid():N}@bench.test", password = "bench password" });
        var json = JsonNode.Parse(await signup.Content.ReadAsStringAsync())!;
        var key = json["api_key"]!["key"]!.GetValue<string>();
        using var req = new HttpRequestMessage(HttpMethod.Post, "/api/v1/phone_numbers") { Content = JsonContent.Create(new { platform = "whatsapp", meta_phone_number_id = metaId, access_token = "bench-token" }) };
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var number = JsonNode.Parse(await (await http.SendAsync(req)).Content.ReadAsStringAsync())!;
        using var agent = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agents") { Content = JsonContent.Create(new { phone_number_id = number["id"]!.GetValue<string>(), prompt_id = "sales", name = "Bench agent" }) };
        agent.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        (await http.SendAsync(agent)).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Open loop: request i is due at i/rate seconds whatever the earlier ones did, and its latency is
    /// counted from that due time (no coordinated omission: a stalled server or a late driver both count).
    /// LagP99 says how late the driver itself started the sends (its share of the 2 cores).
    /// </summary>
    private static async Task<(double Rate, double P50, double P99, int Errors, double LagP99)> FixedRateAsync(HttpClient http, Func<int, HttpRequestMessage> request, int perSecond, TimeSpan duration)
    {
        var total = (int)(perSecond * duration.TotalSeconds);
        var latencies = new double[total];
        var lags = new double[total];
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var tasks = new Task[total];
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / perSecond);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            var n = i;
            tasks[i] = Task.Run(async () =>
            {
                lags[n] = (clock.Elapsed - due).TotalMilliseconds;
                using var req = request(n);
                using var res = await http.SendAsync(req);
                if (!res.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                latencies[n] = (clock.Elapsed - due).TotalMilliseconds;
            });
        }
        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        Array.Sort(lags);
        var p99 = Math.Min(total - 1, (int)(total * 0.99));
        return (total / elapsed, latencies[total / 2], latencies[p99], errors, lags[p99]);
    }

    /// <summary>The floor: read the body and insert it as one inbound_events row, nothing else.</summary>
    private static async Task<WebApplication> StartBaselineAsync(string owner)
    {
        var b = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        b.Logging.ClearProviders();
        var app = b.Build();
        var ds = NpgsqlDataSource.Create(owner);
        Guid org, number;
        await using (var cmd = ds.CreateCommand($"SELECT organization_id, id FROM phone_numbers WHERE meta_phone_number_id = '{MetaId}'"))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            await r.ReadAsync();
            org = r.GetGuid(0);
            number = r.GetGuid(1);
        }
        app.MapPost("/baseline/webhook", async (HttpContext ctx) =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync(ctx.RequestAborted);
            await using var cmd = ds.CreateCommand("INSERT INTO inbound_events (id, organization_id, provider, kind, external_id, phone_number_id, payload) VALUES ($1, $2, 'whatsapp', 'message', $3, $4, $5)");
            cmd.Parameters.AddWithValue(Guid.CreateVersion7());
            cmd.Parameters.AddWithValue(org);
            cmd.Parameters.AddWithValue(Guid.NewGuid().ToString("N"));
            cmd.Parameters.AddWithValue(number);
            cmd.Parameters.Add(new NpgsqlParameter { Value = body, NpgsqlDbType = NpgsqlDbType.Jsonb });
            await cmd.ExecuteNonQueryAsync(ctx.RequestAborted);
            return Results.Ok();
        });
        await app.StartAsync();
        return app;
    }
}
