using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Clientele.Platform.Database;
using Clientele.Platform.Events;
using Npgsql;

namespace Clientele.Modules.Agents.Orchestration;

/// <summary>
/// Writes a <see cref="ReplyPlan"/> as one batch (one round trip) in the reply job's transaction:
/// the customer message's analysis, the conversation's running state, the handoff, the
/// verification and the tags.
/// </summary>
public static class ReplyPlanWriter
{
    internal static readonly JsonSerializerOptions EntityJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task WriteAsync(TenantSession s, ReplyPlan p, CancellationToken ct)
    {
        var conn = await s.BeginAsync(ct);
        await using var batch = new NpgsqlBatch(conn, s.Transaction);
        var a = p.Analysis;

        batch.BatchCommands.Add(Command("""
            UPDATE messages SET intent = $3, sentiment = $4, confidence = $5, urgency = $6,
              extra_metadata = coalesce(extra_metadata, '{}'::jsonb) || $7
            WHERE organization_id = $1 AND id = $2
            """, s.OrganizationId, p.MessageId, a.Intent, Math.Clamp(a.Sentiment, -1, 1), Math.Clamp(a.IntentConfidence, 0, 1), a.Urgency,
            Json(new JsonObject { ["emotion"] = a.Emotion, ["entities"] = JsonSerializer.SerializeToNode(a.Entities, EntityJson) })));

        batch.BatchCommands.Add(Command("""
            UPDATE conversations SET primary_intent = $3, intent_confidence = round($4::numeric, 2), emotion = $5, sentiment_avg = $6,
              agents_involved = agents_involved || ARRAY(SELECT x FROM unnest($7::text[]) WITH ORDINALITY u(x, i) WHERE x <> ALL (agents_involved) ORDER BY i),
              kb_articles_used = kb_articles_used || ARRAY(SELECT x FROM unnest($8::text[]) WITH ORDINALITY u(x, i) WHERE x <> ALL (kb_articles_used) ORDER BY i),
              status = CASE WHEN $9 THEN 'escalated' WHEN $10::text IS NOT NULL THEN 'resolved' ELSE status END,
              resolved_by_agent = coalesce($10, resolved_by_agent),
              is_active = is_active AND $10::text IS NULL,
              ended_at = CASE WHEN $10::text IS NOT NULL THEN now() ELSE ended_at END,
              resolution_time_seconds = CASE WHEN $10::text IS NOT NULL THEN greatest(0, extract(epoch FROM now() - started_at))::int ELSE resolution_time_seconds END,
              last_activity_at = now()
            WHERE organization_id = $1 AND id = $2
            """, s.OrganizationId, p.ConversationId, (object?)p.PrimaryIntent ?? DBNull.Value, (object?)p.IntentConfidence ?? DBNull.Value, a.Emotion, p.SentimentAvg,
            p.AgentsInvolved.ToArray(), p.KbArticlesUsed.ToArray(), p.Escalate, Text(p.ResolvedBy)));

        if (p.Handoff is { } h)
            batch.BatchCommands.Add(Command("""
                INSERT INTO agent_handoffs (id, organization_id, conversation_id, from_agent, to_agent, handoff_reason, state_transferred, confidence_before, "timestamp", latency_ms)
                VALUES ($3, $1, $2, $4, $5, $6, $7, round($8::numeric, 2), clock_timestamp(), $9)
                """, s.OrganizationId, p.ConversationId, Guid.CreateVersion7(), h.From, h.To, h.Reason, Json(h.State), Math.Clamp(h.ConfidenceBefore, 0, 1), h.LatencyMs));

        if (p.Collaboration is { } c)
            batch.BatchCommands.Add(Command("""
                INSERT INTO agent_collaborations (id, organization_id, conversation_id, collaboration_type, agents_involved, coordinator_agent,
                  start_time, end_time, duration_ms, outcome, consensus_reached, extra_metadata)
                VALUES ($3, $1, $2, 'verification', $4, $5, $6, $7, $8, $9, $10, $11)
                """, s.OrganizationId, p.ConversationId, Guid.CreateVersion7(), c.Agents, c.Coordinator, c.Start, c.End, c.DurationMs, c.Outcome, c.Consensus, Json(c.Metadata)));

        if (p.Tags.Count > 0)
            batch.BatchCommands.Add(Command("""
                INSERT INTO conversation_tags (id, organization_id, conversation_id, tag, tag_category, confidence, tagged_by)
                SELECT gen_random_uuid(), $1, $2, t.tag, t.category, round(t.confidence::numeric, 2), $6
                FROM unnest($3::text[], $4::text[], $5::float8[]) AS t(tag, category, confidence)
                ON CONFLICT (organization_id, conversation_id, tag) WHERE deleted_at IS NULL DO NOTHING
                """, s.OrganizationId, p.ConversationId, p.Tags.Select(t => t.Name).ToArray(), p.Tags.Select(t => t.Category).ToArray(),
                p.Tags.Select(t => Math.Clamp(t.Confidence, 0, 1)).ToArray(), ConversationTagger.TaggedBy));

        await batch.ExecuteNonQueryAsync(ct);
        var named = new List<string>();
        if (p.Escalate) named.Add("conversation.escalated");
        else if (p.ResolvedBy is not null) named.Add("conversation.resolved");
        await DomainEvents.PublishRowAsync(s, "conversations", p.ConversationId, ct, null, [.. named]);
    }

    private static NpgsqlBatchCommand Command(string sql, params object?[] values) => SqlArg.Batch(sql, values);

    private static NpgsqlParameter Json(JsonObject o) => SqlArg.Jsonb(o);

    private static NpgsqlParameter Text(string? value) => SqlArg.Text(value);
}
