using System.Net;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Billing;

/// <summary>Issue 10 item 9: over the monthly max_messages the product degrades gracefully: inbound kept, AI replies paused with a handoff and a notice, outbound sends refused with the plan-limit problem.</summary>
public sealed class MessageLimitDegradeTests(ChannelsFixture app) : IClassFixture<ChannelsFixture>
{
    [Fact]
    public async Task Over_the_message_limit_inbound_is_stored_the_agent_hands_over_with_a_notice_and_outbound_sends_are_402()
    {
        var ch = await app.ChannelAsync();
        var month = new DateOnly(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1);
        await using (var owner = await app.OwnerAsync())
        {
            // The month's 3 messages are used (the counter the trigger keeps), on a 3-message plan.
            foreach (var sql in new[]
            {
                "UPDATE organizations SET plan = 'free', plan_status = 'active', max_messages = 3 WHERE id = $1",
                """
                INSERT INTO plan_usage (organization_id, metric, period_start, used, warned_at, reached_at) VALUES ($1, 'messages', $2, 3, now(), now())
                ON CONFLICT (organization_id, metric, period_start) DO UPDATE SET used = 3, warned_at = now(), reached_at = now()
                """,
            })
            {
                await using var cmd = new NpgsqlCommand(sql, owner);
                cmd.Parameters.AddWithValue(ch.Tenant.OrganizationId);
                if (sql.Contains("$2", StringComparison.Ordinal)) cmd.Parameters.AddWithValue(month);
                await cmd.ExecuteNonQueryAsync();
            }
        }

        await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(ch.MetaId, "5511900000099", "Lia", "wamid.IN" + Guid.NewGuid().ToString("N"), "Can I get a quote?"));
        var conversation = (await Eventually.GetAsync(async () => (await app.ConversationsAsync(ch.Tenant)).FirstOrDefault(c => c!["customer_phone"]?.GetValue<string>() == "5511900000099"),
            c => c is not null, what: "the conversation"))!;
        var id = Guid.Parse(conversation["id"]!.GetValue<string>());
        var messages = await Eventually.GetAsync(() => app.MessagesAsync(ch.Tenant, id), m => m.Count == 2, what: "the inbound message and the notice");

        // The customer's message is stored; instead of a reply, a system notice says why and the conversation is with a person.
        messages[0]!["role"]!.GetValue<string>().ShouldBe("user");
        messages[0]!["content"]!.GetValue<string>().ShouldBe("Can I get a quote?");
        messages[1]!["role"]!.GetValue<string>().ShouldBe("system");
        messages[1]!["content"]!.GetValue<string>().ShouldContain("AI replies are paused");
        messages[1]!["content"]!.GetValue<string>().ShouldContain("3 messages this month");
        messages.Count(m => m!["role"]!.GetValue<string>() == "assistant").ShouldBe(0);
        (await ch.Tenant.Http.GetJsonAsync($"/api/v1/conversations/{id}")).Json!["status"]!.GetValue<string>().ShouldBe("escalated");
        var notes = await Eventually.GetAsync(async () => (await ch.Tenant.Http.GetJsonAsync("/api/v1/notifications?category=plan_limit")).Json!["data"]!.AsArray(),
            n => n.Any(x => x!["title"]!.GetValue<string>().StartsWith("AI replies paused", StringComparison.Ordinal)), what: "the pause notification");
        notes.Count(x => x!["title"]!.GetValue<string>().StartsWith("AI replies paused", StringComparison.Ordinal)).ShouldBe(1);
        (await ch.Tenant.Http.GetOkAsync("/api/v1/organization/usage"))["limits"]!["max_messages"]!.Dec("used").ShouldBe(3);

        // The person's outbound send through the API: 402 plan-limit with the limit and the use; nothing written.
        var send = await ch.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{id}/messages", new { content = "Hi Lia, here is your quote." });
        send.ShouldBeProblem(402, "max_messages");
        send.Json!["type"]!.GetValue<string>().ShouldEndWith("/problems/plan-limit");
        send.Json["limit"]!.GetValue<string>().ShouldBe("max_messages");
        send.Json["max"]!.GetValue<long>().ShouldBe(3);
        send.Json["used"]!.GetValue<long>().ShouldBe(3);
        (await app.MessagesAsync(ch.Tenant, id)).Count.ShouldBe(2);

        // A second inbound message in the paused conversation is stored too and adds no second notice.
        await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(ch.MetaId, "5511900000099", "Lia", "wamid.IN" + Guid.NewGuid().ToString("N"), "Hello?"));
        messages = await Eventually.GetAsync(() => app.MessagesAsync(ch.Tenant, id), m => m.Count == 3, what: "the second inbound message");
        await Task.Delay(500);
        (await app.MessagesAsync(ch.Tenant, id)).Count(m => m!["role"]!.GetValue<string>() == "system").ShouldBe(1);
    }
}
