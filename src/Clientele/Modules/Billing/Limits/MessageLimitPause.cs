using System.Globalization;
using System.Text.Json.Nodes;
using Clientele.Modules.Notifications;
using Clientele.Platform.Database;
using Clientele.Platform.Events;

namespace Clientele.Modules.Billing.Limits;

/// <summary>
/// Graceful degrade over the platform plan's <c>max_messages</c> (AI replies and outbound messages per
/// calendar month, counted by the trigger of migration 0041, at commit since 0124). Inbound messages are never limited
/// (only role assistant counts), so they are always stored. When the month's allowance is used up,
/// the AI agent does not answer (the model is not even called): the conversation is handed to a
/// person (status escalated, <c>conversation.escalated</c>), a system message in it says why, and
/// the admins are told once an hour. A person's outbound send then gets the 402 plan-limit problem
/// from the trigger, like any other write past the limit.
/// </summary>
public static class MessageLimitPause
{
    public sealed record Allowance(string? Plan, long Max, long Used);

    /// <summary>The organization's message allowance when it is used up this month (the next reply would be refused); null while there is room or no limit.</summary>
    public static Task<Allowance?> ExhaustedAsync(TenantSession s, DateTime now, CancellationToken ct) => s.QueryFirstAsync<Allowance?>("""
        SELECT o.plan, o.max_messages, coalesce(p.used, 0)
        FROM organizations o
        LEFT JOIN plan_usage p ON p.organization_id = o.id AND p.metric = 'messages' AND p.period_start = date_trunc('month', $2 AT TIME ZONE 'UTC')::date
        WHERE o.id = $1 AND o.max_messages IS NOT NULL AND coalesce(p.used, 0) >= o.max_messages
        """, [s.OrganizationId, now], r => new Allowance(r.IsDBNull(0) ? null : r.GetString(0), r.GetInt64(1), r.GetInt64(2)), ct);

    /// <summary>Hands the conversation to a person instead of replying; the notice is written once per conversation (when it is escalated).</summary>
    public static async Task PauseAsync(TenantSession s, Guid conversationId, Guid messageId, Allowance a, CancellationToken ct)
    {
        var escalated = await s.QueryFirstAsync("""
            UPDATE conversations SET status = 'escalated', last_activity_at = now()
            WHERE organization_id = $1 AND id = $2 AND status <> 'escalated'
            RETURNING id
            """, [s.OrganizationId, conversationId], r => r.GetGuid(0), ct);
        if (escalated == Guid.Empty) return;
        var used = a.Used.ToString("#,##0", CultureInfo.InvariantCulture);
        var max = a.Max.ToString("#,##0", CultureInfo.InvariantCulture);
        var notice = $"AI replies are paused: the {a.Plan ?? "current"} plan's {max} messages this month are used ({used}). This conversation was handed to a person on the team.";
        await s.ExecuteAsync("""
            INSERT INTO messages (id, organization_id, conversation_id, role, content, agent_name, extra_metadata)
            VALUES (@id, @org, @conversation, 'system', @notice, 'billing', jsonb_build_object('plan_limit', 'max_messages', 'reply_to', @message::text, 'max', @max, 'used', @used))
            """, new { id = Guid.CreateVersion7(), org = s.OrganizationId, conversation = conversationId, notice, message = messageId, max = a.Max, used = a.Used }, ct);
        await DomainEvents.PublishRowAsync(s, "conversations", conversationId, ct, null, "conversation.escalated");
        await NotificationDispatcher.NotifyAdminsAsync(s, "warning", "plan_limit", "AI replies paused: message limit reached",
            $"The plan's {max} messages this month are used, so AI agents hand new conversations to your team instead of replying. Upgrade the plan to resume AI replies.",
            new JsonObject { ["conversation_id"] = conversationId.ToString(), ["limit"] = "max_messages", ["max"] = a.Max, ["used"] = a.Used }, TimeSpan.FromHours(1), ct, link: "/app/settings/plan");
    }
}
