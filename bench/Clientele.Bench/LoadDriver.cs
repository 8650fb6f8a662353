using System.Diagnostics;

namespace Clientele.Bench;

/// <summary>A closed-loop HTTP load: N workers, each sending the next request when the last answered.</summary>
public static class LoadDriver
{
    public sealed record Result(double RequestsPerSecond, double P50Ms, double P99Ms, int Errors);

    public static Task<Result> RunAsync(HttpClient client, Func<int, string> url, TimeSpan duration, int workers) =>
        RunAsync(client, i => new HttpRequestMessage(HttpMethod.Get, url(i)), duration, workers);

    public static async Task<Result> RunAsync(HttpClient client, Func<int, HttpRequestMessage> request, TimeSpan duration, int workers)
    {
        var latencies = new List<double>[workers];
        var errors = 0;
        var stop = Stopwatch.StartNew();
        var counter = -1;
        var tasks = Enumerable.Range(0, workers).Select(async w =>
        {
            var mine = latencies[w] = new List<double>(100_000);
            while (stop.Elapsed < duration)
            {
                var i = Interlocked.Increment(ref counter); // unique across workers (webhook ids must not repeat)
                var t0 = Stopwatch.GetTimestamp();
                using var req = request(i);
                using var res = await client.SendAsync(req, HttpCompletionOption.ResponseContentRead);
                if (!res.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        }).ToArray();
        await Task.WhenAll(tasks);
        var all = latencies.SelectMany(l => l).OrderBy(x => x).ToArray();
        return new Result(all.Length / stop.Elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), errors);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
