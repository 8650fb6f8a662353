using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>
    /// The demo's plan: its limits cover the team and agents the demo creates (issue 9: the console's numbers agree with the rows)
    /// with room to add people: seats count pending invitations too (plan limits, migration 0041), and the "business" plan's are 25/10.
    /// </summary>
    public const int PlanMaxUsers = 25, PlanMaxAgents = 10;

    /// <summary>
    /// Runs last: the organization is on the "business" plan its platform subscription names, with
    /// limits that hold its users and agents; the rollups are run over the demo's own conversations,
    /// messages and events, day by day (the product's rollup code), and the message credits are
    /// counted from its replies, so that the summaries say what the rows say.
    /// </summary>
    public static async Task RollupsAsync(DemoContext d)
    {
        var org = new NpgsqlParameter { Value = d.Session.OrganizationId };

        // Two private notes of the support lead on the latest channel conversations (the inbox shows them; they are never sent).
        var recent = new List<Guid>();
        await using (var r = await d.Session.ReadAsync("SELECT id FROM conversations WHERE organization_id = $1 AND agent_id IS NOT NULL ORDER BY started_at DESC LIMIT 2", [org.Clone()], d.Ct))
        {
            while (await r.ReadAsync(d.Ct)) recent.Add(r.GetGuid(0));
        }
        var notes = new[] { "Asked about volume pricing before; offer the annual plan if it comes up.", "Prefers WhatsApp over email; follow up here, not by mail." };
        for (var i = 0; i < recent.Count; i++)
            await d.CreateAsync("conversation_notes", new { conversation_id = recent[i], author_id = d.User("support").Id, content = notes[i] });
        await using (var cmd = await d.Session.CommandAsync($"""
            UPDATE organizations SET plan = 'business', plan_status = 'active', max_users = {PlanMaxUsers}, max_agents = {PlanMaxAgents}, max_messages = 100000
            WHERE id = $1
            """, d.Ct))
        {
            cmd.Parameters.Add(org.Clone());
            await cmd.ExecuteNonQueryAsync(d.Ct);
        }

        // The rollups (daily_metrics, conversation_analytics, agent_performance, feature_usage) of every day
        // with activity, by the hourly job's code, on the organization's clock.
        var zone = await Clientele.Modules.Analytics.Rollups.AnalyticsRollup.ZoneAsync(d.Session, d.Ct);
        var span = await d.Session.QueryFirstAsync("""
            SELECT (min(at) AT TIME ZONE $2)::date, (max(at) AT TIME ZONE $2)::date FROM (
              SELECT started_at AS at FROM conversations WHERE organization_id = $1
              UNION ALL SELECT "timestamp" FROM messages WHERE organization_id = $1
              UNION ALL SELECT created_at FROM analytics_events WHERE organization_id = $1
              UNION ALL SELECT started_at FROM workflow_executions WHERE organization_id = $1) x
            """, [d.Session.OrganizationId, zone], r => r.IsDBNull(0) ? ((DateOnly, DateOnly)?)null : (r.GetFieldValue<DateOnly>(0), r.GetFieldValue<DateOnly>(1)), d.Ct);
        await d.Session.CommitAsync(d.Ct);
        if (span is { } range) await RollupDaysAsync(d, range.Item1, range.Item2 < d.Today ? d.Today : range.Item2);

        // Credits used: one per AI reply the demo's conversations hold (a reply costs one credit).
        await using (var cmd = await d.Session.CommandAsync("""
            UPDATE message_credits SET total_used = u.n, remaining_credits = greatest(0, 5000 - u.n)
            FROM (SELECT count(*)::int AS n FROM messages WHERE organization_id = $1 AND deleted_at IS NULL AND role = 'assistant' AND coalesce(agent_name, '') <> 'human') u
            WHERE organization_id = $1
            """, d.Ct))
        {
            cmd.Parameters.Add(org.Clone());
            await cmd.ExecuteNonQueryAsync(d.Ct);
        }
        await d.Session.CommitAsync(d.Ct); // the plain UPDATEs above run in the session's own transaction
    }
}
