using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Success;

/// <summary>Issue 11 item 8: a meeting transcript (VTT, SRT or text) analysed; its competitor mentions open the risk signal and its expansion signals an opportunity.</summary>
public sealed class TranscriptTests(HealthFixture app) : IClassFixture<HealthFixture>
{
    private static readonly string RenewalCall = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Success", "Fixtures", "renewal-call.vtt"));

    private static async Task<Guid> MeetingAsync(AppFixture.Tenant t, Guid? customer, string title = "Renewal call")
    {
        var r = await t.Http.PostJsonAsync("/api/v1/meetings", new { title, customer_id = customer, scheduled_at = DateTime.UtcNow.AddDays(-1).ToString("o"), status = "completed" });
        r.Status.ShouldBe(HttpStatusCode.Created, r.Json?.ToJsonString());
        return Guid.Parse(r.Json!["id"]!.GetValue<string>());
    }

    private async Task ExecAsync(AppFixture.Tenant t, string sql)
    {
        await using var conn = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue(t.OrganizationId);
        await cmd.ExecuteNonQueryAsync();
    }

    private static string[] Strings(JsonNode? array, string key) => array!.AsArray().Select(x => x![key]!.GetValue<string>()).ToArray();

    [Fact]
    public async Task A_vtt_transcript_is_analysed_and_its_competitor_and_expansion_signals_reach_risk_and_expansion()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync(new { name = "Harbor Freight" });
        (await t.Http.PostJsonAsync("/api/v1/customer_contacts", new { customer_id = customer, name = "Dana Reyes", title = "VP Operations", email = "dana@harbor.test", is_primary = true }))
            .Status.ShouldBe(HttpStatusCode.Created);
        await ExecAsync(t, $"""
            INSERT INTO plans (id, organization_id, code, billing_cycle, name, base_price, price_per_seat) VALUES (gen_random_uuid(), $1, 'basic', 'monthly', 'Basic', 0, 20)
            ON CONFLICT (organization_id, code, billing_cycle) DO UPDATE SET price_per_seat = 20, is_active = true, deleted_at = NULL
            """);
        await ExecAsync(t, $"""
            INSERT INTO subscriptions (id, organization_id, customer_id, plan, billing_cycle, mrr, arr, seats_total, seats_used, status, current_period_start, current_period_end)
            VALUES (gen_random_uuid(), $1, '{customer}', 'basic', 'monthly', 600, 7200, 30, 24, 'active', now() - interval '10 days', now() + interval '20 days')
            """);
        var meeting = await MeetingAsync(t, customer);

        var res = await t.Http.PostJsonAsync($"/api/v1/meetings/{meeting}/transcript", new { content = RenewalCall });
        res.Status.ShouldBe(HttpStatusCode.Created, res.Json?.ToJsonString());
        var tr = res.Json!["transcript"]!;
        tr["meeting_id"]!.GetValue<string>().ShouldBe(meeting.ToString());
        tr["duration"]!.GetValue<int>().ShouldBe(92); // the last cue ends at 00:01:32
        tr["metadata"]!["format"]!.GetValue<string>().ShouldBe("vtt");
        Strings(tr["speakers"], "name").ShouldBe(["Maria Lopez", "Dana Reyes", "Tom Becker"]);
        tr["word_count"]!.GetValue<int>().ShouldBe(RenewalCall.Split('\n').Where(l => l.StartsWith("<v ")).Sum(l => l[(l.IndexOf('>') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length));

        var a = res.Json!["analysis"]!;
        a["customer_id"]!.GetValue<string>().ShouldBe(customer.ToString());
        a["overall_sentiment"]!.GetValue<string>().ShouldBe("mixed"); // frustrated and "great … really helpful" in one call
        Strings(a["competitor_mentions"], "name").ShouldBe(["Vitally"]);
        a["competitor_mentions"]![0]!["speaker"]!.GetValue<string>().ShouldBe("Dana Reyes");
        Strings(a["risk_signals"], "type").ShouldContain("dissatisfaction");
        Strings(a["risk_signals"], "type").ShouldContain("competitor_evaluation");
        a["risk_level"]!.GetValue<string>().ShouldBeOneOf("high", "critical");
        var seats = a["expansion_signals"]!.AsArray().Single(x => x!["type"]!.GetValue<string>() == "seats")!;
        seats["quantity"]!.GetValue<int>().ShouldBe(15);
        seats["speaker"]!.GetValue<string>().ShouldBe("Tom Becker");
        Strings(a["expansion_signals"], "type").ShouldContain("upgrade");
        a["expansion_potential"]!.GetValue<string>().ShouldBe("high");
        var commitment = a["commitments"]!.AsArray().Single(x => x!["commitment"]!.GetValue<string>().Contains("incident report"))!;
        commitment["owner"]!.GetValue<string>().ShouldBe("Maria Lopez");
        commitment["due"].ShouldNotBeNull(); // "by Friday" resolved against the meeting's date
        Strings(a["action_items"], "item").ShouldContain(x => x.Contains("share pricing for the enterprise plan"));
        Strings(a["follow_ups"], "follow_up").ShouldContain(x => x.Contains("follow-up call next week"));
        var dana = a["stakeholder_insights"]!.AsArray().Single(x => x!["name"]!.GetValue<string>() == "Dana Reyes")!;
        dana["stance"]!.GetValue<string>().ShouldBe("negative");
        dana["title"]!.GetValue<string>().ShouldBe("VP Operations"); // matched to the customer's contact
        dana["is_primary"]!.GetValue<bool>().ShouldBeTrue();
        a["stakeholder_insights"]!.AsArray().Single(x => x!["name"]!.GetValue<string>() == "Tom Becker")!["stance"]!.GetValue<string>().ShouldBe("positive");
        a["summary"]!.GetValue<string>().ShouldContain("2-minute meeting with 3 speakers");
        a["summary"]!.GetValue<string>().ShouldContain("Vitally");
        a["confidence"]!.GetValue<int>().ShouldBeInRange(50, 95);

        // The competitor opens the risk signal; the 15 seats become one expansion opportunity valued from the plan (15 × 20 × 12).
        var risk = (await t.Http.GetJsonAsync($"/api/v1/risk_signals?customer_id={customer}&signal_type=competitor_mention")).Json!["data"]!.AsArray().Single()!;
        risk["auto_detected"]!.GetValue<bool>().ShouldBeTrue();
        risk["description"]!.GetValue<string>().ShouldContain("Vitally");
        var opp = (await t.Http.GetJsonAsync($"/api/v1/expansion_opportunities?customer_id={customer}&cause=meeting_signal")).Json!["data"]!.AsArray().Single()!;
        opp["opportunity_type"]!.GetValue<string>().ShouldBe("seat-expansion");
        opp["estimated_value"]!.GetValue<decimal>().ShouldBe(3600m);
        opp["use_case"]!.GetValue<string>().ShouldContain("15 more seats");
        opp["evidence"]!["meeting_id"]!.GetValue<string>().ShouldBe(meeting.ToString());

        // The same meeting transcribed again (as SRT, without the competitor) replaces the analysis: the signal resolves, the opportunity stays one.
        var srt = "1\n00:00:01,000 --> 00:00:05,000\nDana Reyes: The sync works now, thank you. We are happy.\n\n2\n00:00:05,500 --> 00:00:09,000\nTom Becker: We still want 15 more seats.\n";
        var again = await t.Http.PostJsonAsync($"/api/v1/meetings/{meeting}/transcript", new { content = srt });
        again.Status.ShouldBe(HttpStatusCode.Created, again.Json?.ToJsonString());
        again.Json!["transcript"]!["metadata"]!["format"]!.GetValue<string>().ShouldBe("srt");
        again.Json!["analysis"]!["overall_sentiment"]!.GetValue<string>().ShouldBe("positive");
        (await t.Http.GetJsonAsync($"/api/v1/transcripts?meeting_id={meeting}")).Json!["data"]!.AsArray().Count.ShouldBe(1);
        (await t.Http.GetJsonAsync($"/api/v1/meeting_analyses?meeting_id={meeting}")).Json!["data"]!.AsArray().Count.ShouldBe(1);
        (await t.Http.GetJsonAsync($"/api/v1/risk_signals?customer_id={customer}&signal_type=competitor_mention")).Json!["data"]!.AsArray().Single()!["resolved_at"].ShouldNotBeNull();
        (await t.Http.GetJsonAsync($"/api/v1/expansion_opportunities?customer_id={customer}")).Json!["data"]!.AsArray().Count.ShouldBe(1);

        // Another tenant cannot post to the meeting or read its analysis.
        var other = await app.SignupAsync();
        (await other.Http.PostJsonAsync($"/api/v1/meetings/{meeting}/transcript", new { content = RenewalCall })).ShouldBeProblem(404);
        (await other.Http.GetJsonAsync("/api/v1/meeting_analyses")).Json!["data"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_file_upload_and_plain_text_work_and_bad_transcripts_change_nothing()
    {
        var t = await app.SignupAsync();
        var meeting = await MeetingAsync(t, null, "Pasted notes");

        using (var form = new MultipartFormDataContent())
        {
            var file = new ByteArrayContent(Encoding.UTF8.GetBytes(RenewalCall));
            file.Headers.ContentType = MediaTypeHeaderValue.Parse("text/vtt");
            form.Add(file, "file", "call.vtt");
            var up = await t.Http.PostAsync($"/api/v1/meetings/{meeting}/transcript", form);
            up.StatusCode.ShouldBe(HttpStatusCode.Created, await up.Content.ReadAsStringAsync());
            var json = JsonNode.Parse(await up.Content.ReadAsStringAsync())!;
            json["analysis"]!["customer_id"].ShouldBeNull(); // a meeting without a customer: analysed, nothing to feed
            json["analysis"]!["competitor_mentions"]!.AsArray().Count.ShouldBe(1);
        }

        var text = await t.Http.PostJsonAsync($"/api/v1/meetings/{meeting}/transcript", new { content = "Ana: We will switch to Acmely next quarter unless the price goes down.\nBen: I'll get back to you on the discount.", format = "text" });
        text.Status.ShouldBe(HttpStatusCode.Created, text.Json?.ToJsonString());
        text.Json!["transcript"]!["duration"].ShouldBeNull();
        Strings(text.Json!["analysis"]!["competitor_mentions"], "name").ShouldBe(["Acmely"]);
        Strings(text.Json!["analysis"]!["follow_ups"], "follow_up").Single().ShouldContain("get back to you");

        (await t.Http.PostJsonAsync($"/api/v1/meetings/{meeting}/transcript", new { content = "  " })).ShouldBeProblem(422, "content");
        (await t.Http.PostJsonAsync($"/api/v1/meetings/{meeting}/transcript", new { content = "WEBVTT\n\nno cues here" })).ShouldBeProblem(422, "content");
        (await t.Http.PostJsonAsync($"/api/v1/meetings/{meeting}/transcript", new { content = "hello", format = "docx" })).ShouldBeProblem(422, "format");
        (await t.Http.PostJsonAsync($"/api/v1/meetings/{Guid.NewGuid()}/transcript", new { content = "Ana: hi" })).ShouldBeProblem(404);
        using (var plain = new StringContent("Ana: hi", Encoding.UTF8, "text/plain"))
            ((int)(await t.Http.PostAsync($"/api/v1/meetings/{meeting}/transcript", plain)).StatusCode).ShouldBe(415);
        // The refused posts left the last good analysis in place.
        (await t.Http.GetJsonAsync($"/api/v1/meeting_analyses?meeting_id={meeting}")).Json!["data"]!.AsArray().Single()!["competitor_mentions"]![0]!["name"]!.GetValue<string>().ShouldBe("Acmely");
    }
}
