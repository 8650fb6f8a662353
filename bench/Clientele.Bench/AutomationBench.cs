using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Automation.Triggers;
using Clientele.Platform.Database;
using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Bench;

/// <summary>
/// Issue 15's automation: (1) how many events per second the condition engine evaluates against
/// 100 active triggers of an organization (in process, one core), against a baseline that only
/// matches event types; (2) end to end, from a customer update committed through the API to its
/// trigger's action (trigger_events.event_data.latency_ms), p50 and p99, with 100 triggers active.
/// </summary>
public static class AutomationBench
{
    public static async Task RunAsync(TimeSpan round)
    {
        Evaluation(round);
        await EndToEndAsync(300);
    }

    private static List<(string Event, JsonObject Json)> Triggers(int n)
    {
        var types = new[] { "customer.updated", "customer.health_changed", "conversation.escalated", "invoice.paid", "lead.hot" };
        return Enumerable.Range(0, n).Select(i => (types[i % types.Length], JsonNode.Parse($$"""
            {"event": "{{types[i % types.Length]}}", "all": [
              {"path": "customer.health_score", "op": "lt", "value": {{20 + (i % 50)}}},
              {"any": [{"path": "customer.segment", "op": "in", "value": ["enterprise", "mid_market"]}, {"path": "entity.mrr", "op": "gte", "value": {{i * 10}}}]},
              {"path": "customer.health_score", "op": "changed"}]}
            """)!.AsObject())).ToList();
    }

    private static ConditionInput Event(int i)
    {
        var entity = new JsonObject { ["id"] = Guid.NewGuid(), ["health_score"] = i % 100, ["segment"] = i % 3 == 0 ? "enterprise" : "smb", ["mrr"] = i % 1000 };
        return new ConditionInput(i % 2 == 0 ? "customer.updated" : "customer.health_changed", "customers", entity,
            new JsonObject { ["health_score"] = (i + 7) % 100 }, ["health_score"], null, new JsonObject { ["type"] = "customer.updated" });
    }

    private static void Evaluation(TimeSpan round)
    {
        var sources = Triggers(100);
        var triggers = sources.Select(t => (t.Event, Compiled: CompiledCondition.Compile(t.Json))).ToList();
        var events = Enumerable.Range(0, 1000).Select(Event).ToArray();
        // mode 0: event-type match only (the ceiling); 1: compiled once, as the engine does; 2: the
        // condition walked from its JSON on every evaluation (what the engine did before compiling).
        long Run(int mode, TimeSpan d)
        {
            var count = 0L;
            var fired = 0L;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < d)
                foreach (var e in events)
                {
                    for (var i = 0; i < triggers.Count; i++)
                    {
                        var (json, compiled) = (sources[i].Json, triggers[i].Compiled);
                        if (mode == 2 ? !Conditions.EventMatches(json, e.EventType) : !compiled.Listens(e.EventType)) continue;
                        if (mode == 1 && compiled.Evaluate(e)) fired++;
                        if (mode == 2 && Conditions.Evaluate(json, e, [])) fired++;
                    }
                    count++;
                }
            GC.KeepAlive(fired);
            return (long)(count / clock.Elapsed.TotalSeconds);
        }
        Run(1, TimeSpan.FromSeconds(1)); // warm up
        var ceiling = Run(0, round);
        var compiled = Run(1, round);
        var walked = Run(2, round);
        Console.WriteLine(F($"evaluation, one core, 100 triggers/org: {compiled:N0} events/s compiled (target >= 5,000); baseline rebuilt from its JSON on every evaluation {walked:N0} events/s, ratio {compiled / (double)walked:0.0}x; ceiling (event-type match only) {ceiling:N0} events/s"));
    }

    private static async Task EndToEndAsync(int updates)
    {
        var home = Path.Combine(Path.GetTempPath(), "clientele-bench-automation-" + Environment.ProcessId);
        var pg = new LocalPostgres(home);
        await pg.EnsureStartedAsync();
        try
        {
            await using (var admin = new NpgsqlConnection(pg.ConnectionString("postgres")))
            {
                await admin.OpenAsync();
                await new NpgsqlCommand("CREATE DATABASE bench", admin).ExecuteNonQueryAsync();
            }
            var owner = pg.ConnectionString("bench");
            await using var app = await ClienteleHost.BuildAsync(["--urls", "http://127.0.0.1:0"], b =>
            {
                b.Configuration["ConnectionStrings:Clientele"] = owner;
                b.Configuration["Logging:Json"] = "false";
                b.Configuration["Logging:LogLevel:Default"] = "Warning";
                b.Configuration["RateLimit:PermitsPerSecond"] = "1000000";
                b.Configuration["RateLimit:Burst"] = "1000000";
            });
            await app.StartAsync();
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var signup = JsonNode.Parse(await (await http.PostAsJsonAsync("/api/v1/signup", new { organization_name = "Bench", name = "Bench Owner", email = "bench@bench.test", password = "bench password" })).Content.ReadAsStringAsync())!;
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", signup["api_key"]!["key"]!.GetValue<string>());
            for (var i = 0; i < 99; i++)
                (await http.PostAsJsonAsync("/api/v1/triggers", new { name = $"other {i}", condition = new { @event = i % 2 == 0 ? "customer.updated" : "invoice.paid", all = new object[] { new { path = "customer.health_score", op = "lt", value = -1 } } }, actions = new[] { new { type = "create_note", content = "never" } } })).EnsureSuccessStatusCode();
            var trigger = JsonNode.Parse(await (await http.PostAsJsonAsync("/api/v1/triggers", new { name = "health below 40", condition = new { @event = "customer.updated", all = new object[] { new { path = "customer.health_score", op = "lt", value = 40 }, new { path = "customer.health_score", op = "changed" } } }, actions = new[] { new { type = "create_note", content = "health dropped" } } })).Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            var customers = new List<string>();
            for (var i = 0; i < 20; i++)
                customers.Add(JsonNode.Parse(await (await http.PostAsJsonAsync("/api/v1/customers", new { email = $"c{i}@bench.test", name = $"C{i}", health_score = 90 })).Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < updates; i++)
            {
                (await http.PatchAsJsonAsync($"/api/v1/customers/{customers[i % customers.Count]}", new { health_score = (i / customers.Count) % 2 == 0 ? 10 : 90 })).EnsureSuccessStatusCode();
                var due = TimeSpan.FromMilliseconds(50.0 * (i + 1)); // 20 updates/s
                if (clock.Elapsed < due) await Task.Delay(due - clock.Elapsed);
            }
            var expected = Enumerable.Range(0, updates).Count(i => (i / customers.Count) % 2 == 0); // each drop to 10 fires, each rise to 90 does not
            var latencies = new List<double>();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                latencies.Clear();
                await using var conn = new NpgsqlConnection(owner);
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand("SELECT (event_data->>'latency_ms')::float8 FROM trigger_events WHERE trigger_id = $1", conn);
                cmd.Parameters.AddWithValue(Guid.Parse(trigger));
                await using var r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync()) latencies.Add(r.GetDouble(0));
                if (latencies.Count >= expected) break;
                await Task.Delay(500);
            }
            latencies.Sort();
            double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
            Console.WriteLine(F($"update -> action, 100 triggers active, 20 updates/s: {latencies.Count}/{expected} fires, p50 {P(0.5):0} ms, p99 {P(0.99):0} ms, max {(latencies.Count > 0 ? latencies[^1] : double.NaN):0} ms (target p99 < 2000 ms)"));
            await app.StopAsync();
        }
        finally
        {
            await pg.StopAsync();
            try { Directory.Delete(home, true); } catch (IOException) { }
        }
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
