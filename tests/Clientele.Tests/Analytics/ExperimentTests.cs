using System.Net;
using System.Text.Json.Nodes;
using Clientele.Modules.Analytics.Experiments;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Analytics;

/// <summary>Issue 14 item 3: an experiment on an AI agent assigns new conversations deterministically by weight, records how they end, and its results match a hand computation.</summary>
public sealed class ExperimentTests(ChannelsFixture app) : IClassFixture<ChannelsFixture>
{
    [Fact]
    public void The_statistics_match_a_hand_computation()
    {
        // 45 of 100 against 30 of 100. By hand: Wilson 95% for 45/100 = [0.3561, 0.5476];
        // pooled p = 75/200 = 0.375, se = sqrt(0.375 * 0.625 * (1/100 + 1/100)) = 0.068465,
        // z = (0.45 - 0.30) / 0.068465 = 2.19089, two-sided p = 2 * (1 - Φ(2.19089)) = 0.02846.
        var (low, high) = ExperimentStats.Wilson(45, 100);
        low.ShouldBe(0.3561, 0.0001);
        high.ShouldBe(0.5476, 0.0001);
        var (z, p) = ExperimentStats.TwoProportion(45, 100, 30, 100)!.Value;
        z.ShouldBe(2.19089, 0.0001);
        p.ShouldBe(0.02846, 0.0002);
        // 12 of 40 against 9 of 40 is not significant: pooled 21/80 = 0.2625, se = sqrt(0.2625 * 0.7375 * (2/40)) = 0.098385,
        // z = 0.075 / 0.098385 = 0.76231, p = 2 * (1 - Φ(0.76231)) = 0.44588.
        var (z2, p2) = ExperimentStats.TwoProportion(12, 40, 9, 40)!.Value;
        z2.ShouldBe(0.76231, 0.0001);
        p2.ShouldBe(0.44588, 0.0005);
        ExperimentStats.TwoProportion(0, 10, 0, 10).ShouldBeNull();

        var won = ExperimentResults.Describe("t", "running", Guid.Empty,
            [new("A", 1, 110, 100, 30, 60, 3.9, 40), new("B", 1, 104, 100, 45, 40, 4.4, 35)]);
        won["verdict"]!["significant"]!.GetValue<bool>().ShouldBeTrue();
        won["verdict"]!["winner"]!.GetValue<string>().ShouldBe("B");
        won["variants"]![1]!["ai_resolution_rate_ci95"]![0]!.GetValue<double>().ShouldBe(0.3561, 0.0001);
        var open = ExperimentResults.Describe("t", "running", Guid.Empty, [new("A", 1, 40, 40, 9, 31, null, null), new("B", 1, 40, 40, 12, 28, null, null)]);
        open["verdict"]!["significant"]!.GetValue<bool>().ShouldBeFalse();
        open["verdict"]!["winner"].ShouldBeNull();
        open["verdict"]!["leader"]!.GetValue<string>().ShouldBe("B");
    }

    [Fact]
    public async Task New_conversations_are_assigned_by_weight_and_their_outcomes_give_the_results()
    {
        var ch = await app.ChannelAsync();
        var t = ch.Tenant;
        var variants = new object[]
        {
            new { name = "formal", weight = 1, prompt = "Answer formally." },
            new { name = "friendly", weight = 3, prompt = "Answer warmly.", temperature = 0.9 },
        };
        var started = await t.Http.PostJsonAsync("/api/v1/experiments", new { test_name = "greeting_tone", agent_id = ch.AgentId, variants });
        started.Status.ShouldBe(HttpStatusCode.Created, started.Json?.ToJsonString());
        (await t.Http.PostJsonAsync("/api/v1/experiments", new { test_name = "greeting_tone", agent_id = ch.AgentId, variants })).ShouldBeProblem(409);
        (await t.Http.PostJsonAsync("/api/v1/experiments", new { test_name = "other", agent_id = ch.AgentId, variants })).ShouldBeProblem(409);
        (await t.Http.PostJsonAsync("/api/v1/experiments", new { test_name = "bad", agent_id = ch.AgentId, variants = new object[] { new { name = "a", weight = 0, prompt = "x" }, new { name = "b", weight = 1 } } }))
            .ShouldBeProblem(422, "variants[0].weight");
        (await t.Http.PostJsonAsync("/api/v1/experiments", new { test_name = "Bad Name", agent_id = Guid.NewGuid(), variants = new object[] { new { name = "a", weight = 1, prompt = "x" } } }))
            .ShouldBeProblem(422, "test_name");
        var reader = await app.KeyClientAsync(t, "read");
        (await reader.PostJsonAsync("/api/v1/experiments", new { test_name = "x", agent_id = ch.AgentId, variants })).ShouldBeProblem(403);

        // 40 new conversations of the agent.
        var ids = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            var c = await t.Http.PostJsonAsync("/api/v1/conversations", new { agent_id = ch.AgentId, customer_phone = $"+55119{i:D8}", channel = "whatsapp" });
            c.Status.ShouldBe(HttpStatusCode.Created, c.Json?.ToJsonString());
            ids.Add(Guid.Parse(c.Json!["id"]!.GetValue<string>()));
        }
        var rows = await Eventually.GetAsync(async () => (await t.Http.GetJsonAsync("/api/v1/ab_tests?test_name=greeting_tone&limit=200")).Json!["data"]!.AsArray(),
            a => a.Count == 40, what: "40 assignments");
        var parsed = ExperimentVariants.FromStored(new JsonArray(variants.Select(v => System.Text.Json.JsonSerializer.SerializeToNode(v)).ToArray()).ToJsonString());
        var variantOf = new Dictionary<Guid, string>();
        foreach (var r in rows)
        {
            var conversation = Guid.Parse(r!["conversation_id"]!.GetValue<string>());
            // Deterministic: the hash of test name and conversation, the same on any node and any replay.
            r["variant"]!.GetValue<string>().ShouldBe(ExperimentVariants.Pick(parsed, "greeting_tone", conversation).Name);
            variantOf[conversation] = r["variant"]!.GetValue<string>();
        }
        variantOf.Keys.ShouldBe(ids, ignoreOrder: true);
        variantOf.Values.Count(v => v == "friendly").ShouldBeGreaterThan(variantOf.Values.Count(v => v == "formal")); // weights 3 : 1

        // End 30 of them: friendly ones resolved by the AI (CSAT 5), formal ones escalated (CSAT 2); 10 stay open.
        var ended = ids.Take(30).ToList();
        foreach (var id in ended)
        {
            var friendly = variantOf[id] == "friendly";
            var patch = friendly
                ? (object)new { status = "resolved", resolved_by_agent = "support", csat_score = 5, first_response_time_seconds = 20 }
                : new { status = "escalated", csat_score = 2, first_response_time_seconds = 60 };
            (await t.Http.PatchJsonAsync($"/api/v1/conversations/{id}", patch)).Status.ShouldBe(HttpStatusCode.OK);
        }
        await Eventually.GetAsync(async () => (await t.Http.GetJsonAsync("/api/v1/ab_tests?test_name=greeting_tone&outcome[is_null]=false&limit=200")).Json!["data"]!.AsArray().Count,
            n => n == 30, what: "30 outcomes");

        // The results, by hand from what we did.
        long friendlyAssigned = variantOf.Values.Count(v => v == "friendly"), formalAssigned = 40 - friendlyAssigned;
        long friendlyEnded = ended.Count(id => variantOf[id] == "friendly"), formalEnded = 30 - friendlyEnded;
        var results = (await t.Http.GetJsonAsync("/api/v1/experiments/greeting_tone/results")).Json!;
        var arms = results["variants"]!.AsArray().ToDictionary(v => v!["variant"]!.GetValue<string>());
        arms["friendly"]!["assigned"]!.GetValue<long>().ShouldBe(friendlyAssigned);
        arms["formal"]!["assigned"]!.GetValue<long>().ShouldBe(formalAssigned);
        arms["friendly"]!["ended"]!.GetValue<long>().ShouldBe(friendlyEnded);
        arms["friendly"]!["resolved_by_ai"]!.GetValue<long>().ShouldBe(friendlyEnded);
        arms["friendly"]!["ai_resolution_rate"]!.GetValue<double>().ShouldBe(1.0);
        arms["formal"]!["escalated"]!.GetValue<long>().ShouldBe(formalEnded);
        arms["formal"]!["ai_resolution_rate"]!.GetValue<double>().ShouldBe(0.0);
        arms["friendly"]!["avg_csat"]!.GetValue<double>().ShouldBe(5.0);
        arms["formal"]!["avg_first_response_seconds"]!.GetValue<double>().ShouldBe(60.0);
        // Wilson for n of n: low = n / (n + z²), high = 1.
        arms["friendly"]!["ai_resolution_rate_ci95"]![0]!.GetValue<double>().ShouldBe(friendlyEnded / (friendlyEnded + 1.959964 * 1.959964), 0.0001);
        // z by hand: pooled = fe / 30, se = sqrt(p (1 - p) (1/fe + 1/me)), z = 1 / se.
        var pooled = friendlyEnded / 30.0;
        var z = 1 / Math.Sqrt(pooled * (1 - pooled) * (1.0 / friendlyEnded + 1.0 / formalEnded));
        var verdict = results["verdict"]!;
        verdict["comparisons"]![0]!["z"]!.GetValue<double>().ShouldBe(z, 0.0001);
        verdict["significant"]!.GetValue<bool>().ShouldBeTrue();
        verdict["winner"]!.GetValue<string>().ShouldBe("friendly");

        // Stopped: no new assignment; results stay; unknown names are 404.
        (await t.Http.PostJsonAsync("/api/v1/experiments/greeting_tone/stop", new { })).Status.ShouldBe(HttpStatusCode.OK);
        var late = await t.Http.PostJsonAsync("/api/v1/conversations", new { agent_id = ch.AgentId, customer_phone = "+5511999990000", channel = "whatsapp" });
        late.Status.ShouldBe(HttpStatusCode.Created);
        await Task.Delay(1000);
        (await t.Http.GetJsonAsync("/api/v1/ab_tests?test_name=greeting_tone&limit=200")).Json!["data"]!.AsArray().Count.ShouldBe(40);
        (await t.Http.GetJsonAsync("/api/v1/experiments/nope/results")).ShouldBeProblem(404);
    }
}
