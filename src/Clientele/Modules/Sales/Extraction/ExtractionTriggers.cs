using Clientele.Platform.Database;
using Clientele.Platform.Jobs;
using NpgsqlTypes;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>
/// When a conversation is extracted automatically, checked after each customer message the agent
/// answers (in the reply's transaction, conversation row locked):
/// - every N customer messages (Leads__ExtractEveryMessages): a lead.extract job runs right after the reply commits;
/// - after inactivity (Leads__ExtractAfterIdleMinutes): a delayed lead.extract job, one pending per
///   conversation (conversations.extra_metadata.lead_extraction.idle_check_at), which re-arms itself
///   while the customer keeps writing and extracts once they have been quiet long enough.
/// Jobs, not inline work, so a slow model never delays the reply; the outbox makes them run once
/// across nodes and survive restarts. Each job re-checks its condition under the row lock.
/// </summary>
public sealed class ExtractionTriggers(Outbox outbox, LeadOptions options, TimeProvider clock)
{
    public sealed record Counts(int CustomerMessages, int AtLastExtraction, DateTimeOffset? LastCustomerMessageAt, DateTimeOffset? IdleCheckAt);

    public async Task AfterCustomerMessageAsync(TenantSession s, Guid conversationId, CancellationToken ct)
    {
        var counts = await CountsAsync(s, conversationId, ct);
        if (counts is null) return;
        if (counts.CustomerMessages - counts.AtLastExtraction >= options.ExtractEveryMessages)
            await outbox.EnqueueAsync(s, LeadExtractionJob.TopicName, new LeadExtractionJob.Payload(conversationId, LeadExtractor.Messages), ct);
        var now = clock.GetUtcNow();
        if (counts.IdleCheckAt is null || counts.IdleCheckAt < now)
            await ArmIdleCheckAsync(s, conversationId, now + options.IdleAfter, ct);
    }

    /// <summary>Schedules the inactivity check at `due` and remembers it on the conversation.</summary>
    public async Task ArmIdleCheckAsync(TenantSession s, Guid conversationId, DateTimeOffset due, CancellationToken ct)
    {
        // The job and its mark on the conversation in one round trip.
        await using var batch = new Npgsql.NpgsqlBatch(await s.BeginAsync(ct), s.Transaction);
        batch.BatchCommands.Add(outbox.Command(s, LeadExtractionJob.TopicName, new LeadExtractionJob.Payload(conversationId, LeadExtractor.Inactivity), due.UtcDateTime));
        batch.BatchCommands.Add(SetIdleCheckCommand(s, conversationId, due));
        await batch.ExecuteNonQueryAsync(ct);
    }

    public static async Task SetIdleCheckAsync(TenantSession s, Guid conversationId, DateTimeOffset? due, CancellationToken ct)
    {
        await using var batch = new Npgsql.NpgsqlBatch(await s.BeginAsync(ct), s.Transaction);
        batch.BatchCommands.Add(SetIdleCheckCommand(s, conversationId, due));
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static Npgsql.NpgsqlBatchCommand SetIdleCheckCommand(TenantSession s, Guid conversationId, DateTimeOffset? due) =>
        SqlArg.Batch("""
            UPDATE conversations SET extra_metadata = coalesce(extra_metadata, '{}'::jsonb)
              || jsonb_build_object('lead_extraction', coalesce(extra_metadata->'lead_extraction', '{}'::jsonb) || jsonb_build_object('idle_check_at', $3::timestamptz))
            WHERE organization_id = $1 AND id = $2
            """, s.OrganizationId, conversationId, SqlArg.Typed(due?.UtcDateTime, NpgsqlDbType.TimestampTz));

    /// <summary>The counts that decide a trigger, with the conversation row locked; null when it is gone.</summary>
    public static async Task<Counts?> CountsAsync(TenantSession s, Guid conversationId, CancellationToken ct)
    {
        // One round trip: the counts and the row lock (ConversationLock's FOR UPDATE) together.
        await using var r = await s.ReaderAsync("""
            SELECT (SELECT count(*)::int FROM messages m WHERE m.organization_id = c.organization_id AND m.conversation_id = c.id AND m.role = 'user' AND m.deleted_at IS NULL),
                   coalesce((SELECT e.message_count_at_extraction FROM extractions e WHERE e.organization_id = c.organization_id AND e.conversation_id = c.id AND e.is_latest), 0),
                   (SELECT max(m.created_at) FROM messages m WHERE m.organization_id = c.organization_id AND m.conversation_id = c.id AND m.role = 'user' AND m.deleted_at IS NULL),
                   (c.extra_metadata->'lead_extraction'->>'idle_check_at')::timestamptz
            FROM conversations c WHERE c.organization_id = $1 AND c.id = $2 AND c.deleted_at IS NULL
            FOR UPDATE OF c
            """, [s.OrganizationId, conversationId], ct);
        if (!await r.ReadAsync(ct)) return null;
        return new Counts(r.GetInt32(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateTimeOffset>(2), r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3));
    }
}
