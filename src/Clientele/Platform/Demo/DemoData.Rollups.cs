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
    /// limits that hold its users and agents; the rollups (conversation_analytics, daily_metrics) and
    /// the message credits are computed from the demo's own conversations and messages, day by day,
    /// instead of being invented, so that the summaries say what the rows say.
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

        var days = new List<(DateOnly Day, int Total, int Resolved, int Escalated, int? Resolution, double? Sentiment, double? Csat)>();
        await using (var r = await d.Session.ReadAsync("""
            SELECT (started_at AT TIME ZONE 'UTC')::date, count(*)::int, count(*) FILTER (WHERE status = 'resolved')::int, count(*) FILTER (WHERE status = 'escalated')::int,
                   avg(resolution_time_seconds)::int, avg(sentiment_avg), avg(csat_score)::float8
            FROM conversations WHERE organization_id = $1 AND deleted_at IS NULL GROUP BY 1 ORDER BY 1
            """, [org.Clone()], d.Ct))
        {
            while (await r.ReadAsync(d.Ct))
                days.Add((DateOnly.FromDateTime(r.GetDateTime(0)), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.IsDBNull(4) ? null : r.GetInt32(4),
                    r.IsDBNull(5) ? null : Math.Round(r.GetDouble(5), 2), r.IsDBNull(6) ? null : Math.Round(r.GetDouble(6), 2)));
        }
        foreach (var x in days)
            await d.CreateAsync("conversation_analytics", new
            {
                date = x.Day, total_conversations = x.Total, resolved_conversations = x.Resolved, escalated_conversations = x.Escalated,
                avg_resolution_time_seconds = x.Resolution, avg_sentiment = x.Sentiment, avg_csat = x.Csat,
            });

        var metrics = new List<(DateOnly Day, int Messages, int Conversations, long Tokens, int Users, decimal Response, int Agents, int Workflows)>();
        await using (var r = await d.Session.ReadAsync("""
            WITH m AS (SELECT ("timestamp" AT TIME ZONE 'UTC')::date AS day, count(*)::int AS n, coalesce(sum(tokens_used), 0)::bigint AS tokens,
                              count(DISTINCT created_by) FILTER (WHERE agent_name = 'human')::int AS users
                       FROM messages WHERE organization_id = $1 AND deleted_at IS NULL GROUP BY 1),
                 c AS (SELECT (started_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS n, coalesce(avg(first_response_time_seconds), 0)::numeric(10,2) AS response,
                              count(DISTINCT agent_id)::int AS agents
                       FROM conversations WHERE organization_id = $1 AND deleted_at IS NULL GROUP BY 1),
                 w AS (SELECT (started_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS n FROM workflow_executions WHERE organization_id = $1 GROUP BY 1)
            SELECT coalesce(m.day, c.day), coalesce(m.n, 0), coalesce(c.n, 0), coalesce(m.tokens, 0), coalesce(m.users, 0), coalesce(c.response, 0), coalesce(c.agents, 0),
                   coalesce((SELECT w.n FROM w WHERE w.day = coalesce(m.day, c.day)), 0)
            FROM m FULL JOIN c ON c.day = m.day ORDER BY 1
            """, [org.Clone()], d.Ct))
        {
            while (await r.ReadAsync(d.Ct))
                metrics.Add((DateOnly.FromDateTime(r.GetDateTime(0)), r.GetInt32(1), r.GetInt32(2), r.GetInt64(3), r.GetInt32(4), r.GetDecimal(5), r.GetInt32(6), r.GetInt32(7)));
        }
        foreach (var x in metrics)
            await d.CreateAsync("daily_metrics", new
            {
                date = x.Day, total_messages = x.Messages, total_conversations = x.Conversations, total_tokens = x.Tokens, unique_users = x.Users,
                avg_response_time = x.Response, agent_count = x.Agents, workflow_executions = x.Workflows,
            });

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
