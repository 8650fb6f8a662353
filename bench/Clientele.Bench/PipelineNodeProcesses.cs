using System.Diagnostics;
using System.Globalization;

namespace Clientele.Bench;

/// <summary>
/// The pipeline's scaling shape on a machine with one set of cores. In the in-process rounds both
/// nodes and PostgreSQL share the 2 cores, so a second node can add contention but no capacity.
/// Here each node is a server process of its own, held by a cgroup CPU quota (PIPELINE_NODE_CPU,
/// default 0.15 of a core) the way its own machine would hold it, while PostgreSQL keeps the rest:
/// one node is then bound by its quota, and the second node shows what the nodes cost each other on
/// the shared database (queue claims, hot rows, locks). About twice the throughput means nothing
/// between them serializes. Needs root and the cgroup v1 cpu controller; otherwise it says so and
/// skips.
/// </summary>
internal static class PipelineNodeProcesses
{
    private const string CgroupRoot = "/sys/fs/cgroup/cpu";

    private sealed record NodeProcess(Process Process, HttpClient Http, string Cgroup);

    public static async Task RunAsync(BenchDatabase db, PipelineBench.FakeGraph graph, int messages)
    {
        var cpu = double.TryParse(Environment.GetEnvironmentVariable("PIPELINE_NODE_CPU"), NumberStyles.Float, CultureInfo.InvariantCulture, out var c) && c > 0 ? c : 0.15;
        if (!Directory.Exists(CgroupRoot) || Environment.UserName != "root")
        {
            Console.WriteLine($"  node processes with a CPU quota: skipped ({CgroupRoot} is missing or this is not root)");
            return;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Node processes, each held to {cpu:0.00} of a core by a cgroup quota (PostgreSQL unbounded), {messages} messages per round"));
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Clientele"] = db.Owner, ["Meta__AppSecret"] = WebhookPayloads.Secret, ["Meta__GraphBaseUrl"] = graph.Url,
            ["Meta__MessagesPerSecondPerNumber"] = "100000", ["Credits__TrialGrant"] = "10000000",
            ["Logging__Json"] = "false", ["Logging__LogLevel__Default"] = "Warning",
        };
        var nodes = new List<NodeProcess>();
        try
        {
            async Task AddNodeAsync()
            {
                var port = WebhookCrashBench.FreePort();
                var process = await WebhookCrashBench.StartServerAsync(port, env); // starts unbounded: the start-up JIT is not measured
                var cgroup = Path.Combine(CgroupRoot, $"clientele-bench-node-{process.Id}");
                Directory.CreateDirectory(cgroup);
                await File.WriteAllTextAsync(Path.Combine(cgroup, "cpu.cfs_period_us"), "100000");
                await File.WriteAllTextAsync(Path.Combine(cgroup, "cpu.cfs_quota_us"), ((int)(cpu * 100000)).ToString(CultureInfo.InvariantCulture));
                await File.WriteAllTextAsync(Path.Combine(cgroup, "cgroup.procs"), process.Id.ToString(CultureInfo.InvariantCulture));
                var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
                nodes.Add(new NodeProcess(process, http, cgroup));
            }

            await AddNodeAsync();
            await RoundAsync(db, graph, nodes, 600, "p", quiet: true); // warm-up under the quota (the JIT's tier-up)
            var one = await RoundAsync(db, graph, nodes, messages, "q", quiet: false, cpu);
            await AddNodeAsync();
            await RoundAsync(db, graph, nodes, 600, "r", quiet: true);
            var two = await RoundAsync(db, graph, nodes, messages, "s", quiet: false, cpu);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  2 node processes / 1: {two / one:0.00}x"));
        }
        finally
        {
            foreach (var n in nodes)
            {
                n.Http.Dispose();
                try { n.Process.Kill(entireProcessTree: true); await n.Process.WaitForExitAsync(); } catch (InvalidOperationException) { }
                try { Directory.Delete(n.Cgroup); } catch (IOException) { }
            }
        }
    }

    private static async Task<double> RoundAsync(BenchDatabase db, PipelineBench.FakeGraph graph, List<NodeProcess> nodes, int messages, string tag, bool quiet, double cpu = 0)
    {
        var nodeCpu0 = NodeCpu(nodes);
        var pgCpu0 = db.PostgresCpu();
        var clock = Stopwatch.StartNew();
        var (_, done, sent) = await PipelineBench.SendBurstAsync(graph, nodes.Select(n => n.Http).ToArray(), messages, tag, clock);
        var rate = sent / done.TotalSeconds;
        if (quiet) return rate;
        var nodeCpu = NodeCpu(nodes) - nodeCpu0;
        var pgCpu = db.PostgresCpu() - pgCpu0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {nodes.Count} node process{(nodes.Count > 1 ? "es" : "  ")}: {sent}/{messages} replies sent in {done.TotalSeconds:0.0} s = {rate:0.0} messages/s; CPU per message: nodes {nodeCpu.TotalMilliseconds / Math.Max(1, sent):0.0} ms, PostgreSQL {pgCpu.TotalMilliseconds / Math.Max(1, sent):0.0} ms; node CPU used {nodeCpu.TotalSeconds / done.TotalSeconds:0.00} of {nodes.Count * cpu:0.00} cores allowed"));
        return rate;
    }

    private static TimeSpan NodeCpu(List<NodeProcess> nodes)
    {
        var total = TimeSpan.Zero;
        foreach (var n in nodes) { n.Process.Refresh(); total += n.Process.TotalProcessorTime; }
        return total;
    }
}
