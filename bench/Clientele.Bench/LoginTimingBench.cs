using System.Diagnostics;
using System.Net.Http.Json;
using Clientele.Platform.Database;
using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Bench;

/// <summary>
/// Issue 8 item 5: a failed login for an unknown email must take as long as one for a known
/// email (median within 10%), so timing does not reveal who has an account. Requests alternate
/// between the two kinds; the lockout is set out of reach so every request does the full work.
/// </summary>
public static class LoginTimingBench
{
    public static async Task RunAsync(int rounds)
    {
        var home = Path.Combine(Path.GetTempPath(), "clientele-bench-login-" + Environment.ProcessId);
        var pg = new LocalPostgres(home);
        await pg.EnsureStartedAsync();
        try
        {
            await using (var admin = new NpgsqlConnection(pg.ConnectionString("postgres")))
            {
                await admin.OpenAsync();
                await new NpgsqlCommand("CREATE DATABASE bench", admin).ExecuteNonQueryAsync();
            }
            await using var app = await ClienteleHost.BuildAsync(["--urls", "http://127.0.0.1:0"], b =>
            {
                b.Configuration["ConnectionStrings:Clientele"] = pg.ConnectionString("bench");
                b.Configuration["CLIENTELE_HOME"] = home;
                b.Configuration["Logging:Json"] = "false";
                b.Configuration["Logging:LogLevel:Default"] = "Warning";
                b.Configuration["RateLimit:AnonymousPerMinute"] = "1000000";
                b.Configuration["Auth:LockoutThreshold"] = "1000000";
            });
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
            (await http.PostAsJsonAsync("/api/v1/signup", new { organization_name = "Bench", name = "Bench Owner", email = "known@bench.test", password = "bench password" })).EnsureSuccessStatusCode();

            var known = new List<double>();
            var unknown = new List<double>();
            for (var i = 0; i < rounds + 20; i++)
            {
                foreach (var (email, into) in new[] { ("known@bench.test", known), ($"unknown-{i}@bench.test", unknown) })
                {
                    var sw = Stopwatch.StartNew();
                    var res = await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "wrong password" });
                    sw.Stop();
                    if ((int)res.StatusCode != 401) throw new InvalidOperationException($"expected 401, got {(int)res.StatusCode}");
                    if (i >= 20) into.Add(sw.Elapsed.TotalMilliseconds); // the first rounds warm up
                }
            }
            double Median(List<double> xs) { var s = xs.Order().ToList(); return s[s.Count / 2]; }
            var (mk, mu) = (Median(known), Median(unknown));
            Console.WriteLine($"login failures, {rounds} each: known email median {mk:F1} ms, unknown email median {mu:F1} ms, " +
                              $"unknown/known = {mu / mk:F3} (target 0.90 to 1.10)");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await pg.StopAsync();
            try { Directory.Delete(home, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
