using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Clientele.Bench;

/// <summary>
/// Issue 4's durability target: no webhook lost or duplicated when the server is killed (SIGKILL)
/// mid-load and restarted. The driver behaves like Meta: it redelivers every event until it gets a
/// 200. Afterwards every event must be persisted once and processed into exactly one message and
/// one reply (the workers run, sending to a local Graph API stand-in).
/// </summary>
public static class WebhookCrashBench
{
    private const int Events = 6000;
    private const int Senders = 32;
    private const string MetaId = "CRASHPN1";

    public static async Task RunAsync()
    {
        await using var db = await BenchDatabase.CreateAsync("crash");
        await using var graph = await StartGraphAsync();
        var port = FreePort();
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Clientele"] = db.Owner, ["Meta__AppSecret"] = WebhookPayloads.Secret, ["Meta__GraphBaseUrl"] = graph.Url,
            ["Credits__TrialGrant"] = "1000000", ["Logging__Json"] = "false", ["Logging__LogLevel__Default"] = "Warning", ["Outbox__PollMilliseconds"] = "50",
        };
        var server = await StartServerAsync(port, env);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await WebhookIngestionBench.SetUpChannelAsync(http, MetaId);

        var deliveries = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        var killed = false;
        var killer = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            server.Kill(entireProcessTree: true);   // SIGKILL: no graceful shutdown, in-flight requests die
            await server.WaitForExitAsync();
            killed = true;
            Console.WriteLine($"  killed the server at {clock.Elapsed.TotalSeconds:0.0} s after {Volatile.Read(ref next) + 1} events were started");
            await Task.Delay(TimeSpan.FromSeconds(1));
            server = await StartServerAsync(port, env);
            Console.WriteLine($"  restarted it at {clock.Elapsed.TotalSeconds:0.0} s");
        });
        var senders = Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Events)
            {
                var body = WebhookPayloads.Text(MetaId, WebhookIngestionBench.Phone(i), $"wamid.crash.{i}");
                while (true) // Meta redelivers until it gets a 200
                {
                    Interlocked.Increment(ref deliveries);
                    try
                    {
                        using var req = WebhookPayloads.Request("/webhooks/whatsapp", body);
                        using var res = await http.SendAsync(req);
                        if (res.StatusCode == HttpStatusCode.OK) break;
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
                    await Task.Delay(100);
                }
            }
        })).ToArray();
        await Task.WhenAll(senders);
        await killer;
        var acked = clock.Elapsed;

        long processed = 0;
        while (clock.Elapsed < acked + TimeSpan.FromMinutes(6))
        {
            processed = await db.CountAsync("SELECT count(*) FROM messages WHERE role = 'assistant' AND status = 'sent'");
            if (processed >= Events) break;
            await Task.Delay(500);
        }
        var persisted = await db.CountAsync("SELECT count(*) FROM inbound_events WHERE kind = 'message'");
        var distinct = await db.CountAsync("SELECT count(DISTINCT external_id) FROM inbound_events WHERE kind = 'message'");
        var messages = await db.CountAsync("SELECT count(*) FROM messages WHERE role = 'user'");
        var distinctMessages = await db.CountAsync("SELECT count(DISTINCT platform_message_id) FROM messages WHERE role = 'user'");
        var replies = await db.CountAsync("SELECT count(*) FROM messages WHERE role = 'assistant'");
        var distinctReplies = await db.CountAsync("SELECT count(DISTINCT extra_metadata->>'reply_to') FROM messages WHERE role = 'assistant'");
        var failed = await db.CountAsync("SELECT count(*) FROM messages WHERE status = 'failed'");
        var dead = await db.CountAsync("SELECT (SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL) + (SELECT count(*) FROM inbound_events WHERE dead_at IS NOT NULL)");
        var pending = await db.CountAsync("SELECT (SELECT count(*) FROM outbox WHERE processed_at IS NULL AND dead_at IS NULL) + (SELECT count(*) FROM inbound_events WHERE status = 'received' AND processed_at IS NULL AND dead_at IS NULL)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {Events} distinct webhooks, {deliveries} deliveries (with redeliveries), all acknowledged after {acked.TotalSeconds:0.0} s; server killed: {killed}"));
        Console.WriteLine($"  inbound events {persisted} (distinct {distinct}) | user messages {messages} (distinct {distinctMessages}) | replies {replies} (distinct {distinctReplies}) | sent {processed}");
        Console.WriteLine($"  processing done {(clock.Elapsed - acked).TotalSeconds:0} s after the last acknowledgement: failed messages {failed}, dead letters {dead}, queue rows (outbox + inbound events) still pending {pending}");
        Console.WriteLine($"  lost: {Events - distinctMessages}, duplicated: {persisted - distinct + (messages - distinctMessages) + (replies - distinctReplies)} (targets: 0 and 0)");
        server.Kill(entireProcessTree: true);
        await server.WaitForExitAsync();
    }

    internal static async Task<Process> StartServerAsync(int port, Dictionary<string, string> env)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Clientele.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("  server: " + e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 600; i++)
        {
            try
            {
                if ((await probe.GetAsync($"http://127.0.0.1:{port}/health/ready")).IsSuccessStatusCode) return p;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            if (p.HasExited) throw new InvalidOperationException("the server exited during start");
            await Task.Delay(100);
        }
        throw new TimeoutException("the server did not become ready");
    }

    private sealed record Graph(WebApplication App, string Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() { await App.StopAsync(); await App.DisposeAsync(); }
    }

    private static async Task<Graph> StartGraphAsync()
    {
        var b = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        b.Logging.ClearProviders();
        var app = b.Build();
        var n = 0;
        app.MapPost("/{version}/{id}/messages", () => Results.Json(new { messaging_product = "whatsapp", messages = new[] { new { id = $"wamid.OUT{Interlocked.Increment(ref n)}" } } }));
        await app.StartAsync();
        return new Graph(app, app.Urls.First());
    }

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
