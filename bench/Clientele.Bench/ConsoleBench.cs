using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Platform.Demo;
using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Bench;

/// <summary>
/// Issue 9's speed rule: every console page renders in ≤ 100 ms (median) at the demo's data and
/// ≤ 300 ms with 100k conversations and 50k customers in one organization. A signed-in browser
/// session (cookie, as /login sets it) GETs each page over loopback; each page request alternates
/// with the raw list query that page needs, run with plain Npgsql on the owner connection (no
/// RLS, no rendering), so the ratio page/query says what the console adds on this machine.
/// Round 1 is the demo organization as `dotnet run` fills it; round 2 is the same organization
/// after 50k customers, 100k conversations and 300k messages are added (ConsoleBenchData).
/// </summary>
public static partial class ConsoleBench
{
    private const string Email = "bench-owner@bench.test";
    private const string Password = "bench password 1";

    public static async Task RunAsync(int samples)
    {
        await using var db = await BenchDatabase.CreateAsync("console");
        await using var app = await ClienteleHost.BuildAsync(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration["ConnectionStrings:Clientele"] = db.Owner;
            b.Configuration["CLIENTELE_HOME"] = db.Home;
            b.Configuration["Logging:Json"] = "false";
            b.Configuration["Logging:LogLevel:Default"] = "Warning";
            b.Configuration["RateLimit:PermitsPerSecond"] = "1000000";
            b.Configuration["RateLimit:Burst"] = "1000000";
            // No background work: pages are measured, not the outbox (and its health recompute would race the demo fill's renewal rows).
            b.Configuration["Outbox:Enabled"] = "false";
        });
        await app.StartAsync();
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        using var api = new HttpClient { BaseAddress = url };
        var signup = await api.PostAsJsonAsync("/api/v1/signup", new { organization_name = "Console bench", name = "Bench Owner", email = Email, password = Password });
        var json = JsonNode.Parse(await signup.Content.ReadAsStringAsync())!;
        var org = Guid.Parse(json["organization"]!["id"]!.GetValue<string>());
        var owner = Guid.Parse(json["user"]!["id"]!.GetValue<string>());
        var sw = Stopwatch.StartNew();
        await DemoSeeder.FillAsync(app.Services, org, owner, CancellationToken.None);
        Console.WriteLine($"demo filled in {sw.Elapsed.TotalSeconds:0.0} s");

        using var browser = await SignInAsync(url);
        await using var raw = NpgsqlDataSource.Create(db.Owner);
        Console.WriteLine($"Console page render vs raw list query: {samples} samples per page after 5 warm-ups, sequential, {Environment.ProcessorCount} cores, load {Load()}");

        await RoundAsync("demo data", browser, raw, org, 100, samples);
        sw.Restart();
        await ConsoleBenchData.SeedVolumeAsync(db.Owner, org);
        Console.WriteLine($"added 50k customers, 100k conversations, 300k messages, 10k extractions in {sw.Elapsed.TotalSeconds:0.0} s");
        // CONSOLE_BENCH_LOG_MS=N: PostgreSQL logs every statement slower than N ms in this round (copied to /tmp at the end).
        var logMs = Environment.GetEnvironmentVariable("CONSOLE_BENCH_LOG_MS");
        if (int.TryParse(logMs, out var ms)) await ExecAsync(raw, $"ALTER SYSTEM SET log_min_duration_statement = {ms}", "SELECT pg_reload_conf()");
        await RoundAsync("100k conversations, 50k customers", browser, raw, org, 300, samples);
        if (logMs is not null)
        {
            File.Copy(Path.Combine(db.Home, "postgres.log"), "/tmp/console-bench-postgres.log", true);
            Console.WriteLine("statements slower than " + logMs + " ms: /tmp/console-bench-postgres.log");
        }
        // CONSOLE_BENCH_HOLD=FILE: keep the database up (for EXPLAIN) until FILE is deleted.
        if (Environment.GetEnvironmentVariable("CONSOLE_BENCH_HOLD") is { Length: > 0 } hold)
        {
            await File.WriteAllTextAsync(hold, db.Owner);
            Console.WriteLine($"holding the database ({db.Owner}) until {hold} is deleted");
            while (File.Exists(hold)) await Task.Delay(1000);
        }
        await app.StopAsync();
    }

    private static async Task RoundAsync(string name, HttpClient browser, NpgsqlDataSource raw, Guid org, double targetMs, int samples)
    {
        var ids = await ConsoleBenchData.PickAsync(raw, org);
        Console.WriteLine($"\n{name} (conversations {ids.Conversations:N0}, customers {ids.Customers:N0}, load {Load()}); target: page p50 <= {targetMs:0} ms");
        Console.WriteLine($"  {"page",-38} {"page p50",9} {"p95",7} | {"query p50",9} {"p95",7} | page/query p50");
        foreach (var (page, path, sql, args) in ConsoleBenchData.Pages(org, ids))
        {
            var pageMs = new List<double>();
            var queryMs = new List<double>();
            for (var i = 0; i < samples + 5; i++)
            {
                var p = await TimePageAsync(browser, path);
                var q = await TimeQueryAsync(raw, sql, args);
                if (i < 5) continue;
                pageMs.Add(p);
                queryMs.Add(q);
            }
            var (p50, p95, q50, q95) = (Pct(pageMs, 0.50), Pct(pageMs, 0.95), Pct(queryMs, 0.50), Pct(queryMs, 0.95));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {page + " " + path[..Math.Min(path.Length, 22)],-38} {p50,6:0.0} ms {p95,4:0} ms | {q50,6:0.0} ms {q95,4:0} ms | {p50 / q50,6:0.0}x  {(p50 <= targetMs ? "ok" : "MISSES " + targetMs + " ms")}"));
        }
    }

    private static async Task ExecAsync(NpgsqlDataSource raw, params string[] sqls)
    {
        foreach (var sql in sqls)
        {
            await using var cmd = raw.CreateCommand(sql);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    private static async Task<double> TimePageAsync(HttpClient browser, string path)
    {
        var sw = Stopwatch.StartNew();
        using var res = await browser.GetAsync(path);
        var html = await res.Content.ReadAsStringAsync();
        sw.Stop();
        if (res.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{path}: {(int)res.StatusCode} {res.Headers.Location} {html[..Math.Min(400, html.Length)]}");
        return sw.Elapsed.TotalMilliseconds;
    }

    private static async Task<double> TimeQueryAsync(NpgsqlDataSource raw, string sql, object[] args)
    {
        var sw = Stopwatch.StartNew();
        await using var cmd = raw.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) for (var i = 0; i < r.FieldCount; i++) _ = r.GetValue(i);
        sw.Stop();
        return sw.Elapsed.TotalMilliseconds;
    }

    private static double Pct(List<double> xs, double q)
    {
        var s = xs.Order().ToList();
        return s[Math.Min(s.Count - 1, (int)Math.Ceiling(q * s.Count) - 1)];
    }

    private static string Load()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; } catch (IOException) { return "?"; }
    }

    /// <summary>A browser-like client: cookie jar, antiforgery token from the login form, POST /login.</summary>
    private static async Task<HttpClient> SignInAsync(Uri url)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = url };
        var form = await http.GetStringAsync("/login");
        var token = WebUtility.HtmlDecode(TokenInput().Match(form).Groups[1].Value);
        var res = await http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = Email, ["password"] = Password, ["__RequestVerificationToken"] = token,
        }));
        if (res.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in failed: {(int)res.StatusCode}");
        return http;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
