using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Clientele.Platform.Hosting;
using Clientele.Platform.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Clientele.Bench;

/// <summary>
/// Issue 16's end-to-end figure: a burst of signed WhatsApp webhooks from distinct customers goes
/// through the whole path (inbound event, conversation message, the built-in engine's analysis and
/// reply, message credit, send to a local Graph API stand-in) and the bench reports messages/s from
/// the first delivery to the last Graph send, with each outbox stage's handler time from the
/// workers' spans ("Clientele.Outbox"). One round on one node, then one with two nodes (two hosts
/// in this process) on the same database. Meta's per-number pacing is lifted so the pipeline
/// itself is measured, not the pacer.
/// </summary>
public static class PipelineBench
{
    private const int Senders = 32;
    internal const string MetaId = "PIPEPN1";

    public static async Task RunAsync(int messages)
    {
        await using var db = await BenchDatabase.CreateAsync("pipeline");
        await using var graph = await FakeGraph.StartAsync();
        var spans = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == OutboxTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a => spans.GetOrAdd(a.DisplayName, _ => []).Add(a.Duration.TotalMilliseconds),
        };
        ActivitySource.AddActivityListener(listener);

        Console.WriteLine($"Pipeline: {messages} WhatsApp messages from distinct customers per round, {Senders} concurrent senders, built-in engine, {Environment.ProcessorCount} cores");
        var first = await StartNodeAsync(db.Owner, graph.Url);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(first.Url), Timeout = TimeSpan.FromSeconds(30) };
        await WebhookIngestionBench.SetUpChannelAsync(http, MetaId);
        // The rounds send more than a plan's monthly messages (the last ones used to be handed to a person).
        await db.ExecuteAsync("UPDATE organizations SET max_messages = NULL");

        // Warm-up (JIT, pools, engine tables), not counted: as long as the round, because with 200 messages
        // the JIT's tier-1 compiles still took ~12% of the 1-node round's CPU samples (perf, session 8).
        await RoundAsync(db, graph, spans, [http], Math.Max(200, messages), "w", quiet: true);
        // A database in service has statistics; this one was created a minute ago and autovacuum's
        // first ANALYZE would land mid-round. Without them the planner took each organization's
        // rows for two and joined conversations and customers by organization alone (a message's
        // reply read 34,000 buffers instead of 18).
        await db.ExecuteAsync("ANALYZE");
        await RoundAsync(db, graph, spans, [http], messages, "a", quiet: false, label: "1 node ");

        if (Environment.GetEnvironmentVariable("PIPELINE_BENCH_HOLD") is { Length: > 0 } hold)
        {
            // Keeps the database of the 1-node round up (for EXPLAIN) until the file is deleted.
            await File.WriteAllTextAsync(hold, db.Owner);
            Console.WriteLine($"  holding the database until {hold} is deleted: {db.Owner}");
            while (File.Exists(hold)) await Task.Delay(1000);
        }
        var second = await StartNodeAsync(db.Owner, graph.Url);
        using var http2 = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(second.Url), Timeout = TimeSpan.FromSeconds(30) };
        await RoundAsync(db, graph, spans, [http, http2], 200, "v", quiet: true);
        await db.ExecuteAsync("ANALYZE");
        await RoundAsync(db, graph, spans, [http, http2], messages, "b", quiet: false, label: "2 nodes");
        await second.App.StopAsync();
        await second.App.DisposeAsync();
        await first.App.StopAsync();
        await first.App.DisposeAsync();

        await PipelineNodeProcesses.RunAsync(db, graph, Math.Max(600, messages / 3));
    }

    private static async Task RoundAsync(BenchDatabase db, FakeGraph graph, ConcurrentDictionary<string, ConcurrentBag<double>> spans, HttpClient[] nodes,
        int messages, string tag, bool quiet, string label = "")
    {
        spans.Clear();
        await db.ResetStatementsAsync();
        var appCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var jit0 = System.Runtime.JitInfo.GetCompilationTime();
        var pgCpu0 = db.PostgresCpu();
        var clock = Stopwatch.StartNew();
        var (acked, done, sent) = await SendBurstAsync(graph, nodes, messages, tag, clock);
        var appCpu = Process.GetCurrentProcess().TotalProcessorTime - appCpu0;
        var jit = System.Runtime.JitInfo.GetCompilationTime() - jit0;
        var pgCpu = db.PostgresCpu() - pgCpu0;
        if (quiet) return;
        var failed = await db.CountAsync("SELECT (SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL OR attempts > 1) + (SELECT count(*) FROM inbound_events WHERE dead_at IS NOT NULL OR attempts > 1)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {label}: {sent}/{messages} replies sent in {done.TotalSeconds:0.0} s = {sent / done.TotalSeconds:0.0} messages/s (webhooks acknowledged after {acked.TotalSeconds:0.0} s; queue rows (outbox, inbound events) retried or dead so far: {failed})"));
        // What a message costs in CPU, whatever else the machine runs: a figure that carries to a quiet machine.
        var perMessage = (appCpu + pgCpu).TotalMilliseconds / Math.Max(1, sent);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    CPU per message {perMessage:0.0} ms (app process incl. load driver and Graph stand-in {appCpu.TotalMilliseconds / Math.Max(1, sent):0.0} ms, PostgreSQL {pgCpu.TotalMilliseconds / Math.Max(1, sent):0.0} ms) => at most {Environment.ProcessorCount * 1000 / perMessage:0} messages/s if this run had the {Environment.ProcessorCount} cores to itself"));
        // The JIT's tier-up compiles of a fresh process still run in the first measured round: a one-off, shown apart.
        var steady = (appCpu - jit + pgCpu).TotalMilliseconds / Math.Max(1, sent);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    of which JIT compiling {jit.TotalMilliseconds / Math.Max(1, sent):0.0} ms; without it {steady:0.0} ms per message => at most {Environment.ProcessorCount * 1000 / steady:0} messages/s on {Environment.ProcessorCount} cores"));
        foreach (var (name, times) in spans.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            var sorted = times.OrderBy(x => x).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {name,-24} {sorted.Length,6} jobs, mean {sorted.Average():0.0} ms, p50 {sorted[sorted.Length / 2]:0.0} ms, p99 {sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))]:0.0} ms, busy {sorted.Sum() / 1000:0.0} s"));
        }
        await db.PrintTopStatementsAsync(25, (int)sent, "message");
    }

    /// <summary>
    /// Sends the burst from 32 senders like Meta (redelivered until a 200), spread over the nodes, and
    /// waits for the replies at the Graph stand-in: when the last webhook was acknowledged, when the
    /// last reply was sent, and how many were.
    /// </summary>
    internal static async Task<(TimeSpan Acked, TimeSpan Done, int Sent)> SendBurstAsync(FakeGraph graph, HttpClient[] nodes, int messages, string tag, Stopwatch clock)
    {
        var sentBefore = graph.Sent;
        var next = -1;
        var senders = Enumerable.Range(0, Senders).Select(w => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages)
            {
                var body = WebhookPayloads.Text(MetaId, Phone(tag, i), $"wamid.pipe.{tag}.{i}");
                while (true) // Meta redelivers until it gets a 200
                {
                    try
                    {
                        using var req = WebhookPayloads.Request("/webhooks/whatsapp", body);
                        using var res = await nodes[i % nodes.Length].SendAsync(req);
                        if (res.IsSuccessStatusCode) break;
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
                    await Task.Delay(100);
                }
            }
        })).ToArray();
        await Task.WhenAll(senders);
        var acked = clock.Elapsed;
        var deadline = acked + TimeSpan.FromMinutes(10);
        while (graph.Sent - sentBefore < messages && clock.Elapsed < deadline) await Task.Delay(20);
        return (acked, graph.LastSendAt(clock), graph.Sent - sentBefore);
    }

    // Distinct per round tag (the last digit of the tag's code collided: the 2-node warm-up 'v' reused 200 customers of round 'b').
    internal static string Phone(string tag, int i) => "5521" + ((int)tag[0]).ToString("000", CultureInfo.InvariantCulture) + i.ToString("000000", CultureInfo.InvariantCulture);

    private sealed record Node(WebApplication App, string Url);

    private static async Task<Node> StartNodeAsync(string owner, string graphUrl)
    {
        var app = await ClienteleHost.BuildAsync(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration["ConnectionStrings:Clientele"] = owner;
            b.Configuration["Logging:Json"] = "false";
            b.Configuration["Logging:LogLevel:Default"] = "Warning";
            b.Configuration["Meta:AppSecret"] = WebhookPayloads.Secret;
            b.Configuration["Meta:GraphBaseUrl"] = graphUrl;
            b.Configuration["Meta:MessagesPerSecondPerNumber"] = "100000";
            b.Configuration["Credits:TrialGrant"] = "10000000";
        });
        await app.StartAsync();
        return new Node(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>Meta's send endpoint on loopback: answers with a wamid and records when each send arrived.</summary>
    internal sealed class FakeGraph(WebApplication app, string url) : IAsyncDisposable
    {
        private int _sent;
        private long _last;
        public string Url { get; } = url;
        public int Sent => Volatile.Read(ref _sent);

        public TimeSpan LastSendAt(Stopwatch clock) => clock.Elapsed - Stopwatch.GetElapsedTime(Interlocked.Read(ref _last));

        public static async Task<FakeGraph> StartAsync()
        {
            var b = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
            b.Logging.ClearProviders();
            var app = b.Build();
            FakeGraph? self = null;
            app.MapPost("/{version}/{id}/messages", () =>
            {
                var n = Interlocked.Increment(ref self!._sent);
                Interlocked.Exchange(ref self._last, Stopwatch.GetTimestamp());
                return Results.Json(new { messaging_product = "whatsapp", messages = new[] { new { id = $"wamid.OUT{n}" } } });
            });
            await app.StartAsync();
            self = new FakeGraph(app, app.Urls.First());
            return self;
        }

        public async ValueTask DisposeAsync() { await app.StopAsync(); await app.DisposeAsync(); }
    }
}
