using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>
/// Writes an extraction in the caller's transaction, in one round trip: the previous latest row
/// loses is_latest, the new row is inserted as the latest (extractions_one_latest allows one per
/// conversation), and the conversation's last_extraction_at moves. extracted_at is the insert's own time
/// (clock_timestamp, taken under the lock), so the latest row is also the newest. The caller holds the
/// conversation's row lock (<see cref="ConversationSnapshot.LoadAsync"/>), so concurrent extractions queue.
/// </summary>
public static class ExtractionWriter
{
    public static async Task<Guid> WriteAsync(TenantSession s, ConversationSnapshot c, LeadReading r, JsonObject reasoning, string notification,
        DateTimeOffset? demoAt, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var conn = await s.BeginAsync(ct);
        await using var batch = new NpgsqlBatch(conn, s.Transaction);
        batch.BatchCommands.Add(Command(
            "UPDATE extractions SET is_latest = false WHERE organization_id = $1 AND conversation_id = $2 AND is_latest",
            s.OrganizationId, c.ConversationId));
        batch.BatchCommands.Add(Command("""
            INSERT INTO extractions (id, organization_id, conversation_id, customer_phone, extracted_at, is_latest, message_count_at_extraction,
              name, email, company, intent, intent_level, intent_score, urgency_level, urgency_score, budget_constraint, budget_score,
              fit_alignment, fit_score, engagement_health, engagement_score, cta_pricing_clicked, cta_demo_clicked, cta_followup_clicked,
              cta_sample_clicked, cta_website_clicked, cta_escalated_to_human, total_score, lead_status_tag, demo_book_datetime, reasoning, smart_notification)
            VALUES ($1, $2, $3, $4, clock_timestamp(), true, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
              $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30)
            """,
            id, s.OrganizationId, c.ConversationId, Cut(c.CustomerPhone, 50)!, c.CustomerMessageCount,
            Text(Cut(r.Name, 255)), Text(Cut(r.Email, 255)), Text(Cut(r.Company, 255)), r.Intent,
            r.IntentLevel.Level, r.IntentLevel.Score, r.Urgency.Level, r.Urgency.Score, r.Budget.Level, r.Budget.Score,
            r.Fit.Level, r.Fit.Score, r.Engagement.Level, r.Engagement.Score,
            r.Cta(CtaDetector.Pricing).Value, r.Cta(CtaDetector.Demo).Value, r.Cta(CtaDetector.Followup).Value,
            r.Cta(CtaDetector.Sample).Value, r.Cta(CtaDetector.Website).Value, r.Cta(CtaDetector.Human).Value,
            r.TotalScore, r.Tag,
            SqlArg.Typed(demoAt?.UtcDateTime, NpgsqlDbType.TimestampTz), reasoning,
            notification));
        batch.BatchCommands.Add(Command(
            "UPDATE conversations SET last_extraction_at = now() WHERE organization_id = $1 AND id = $2",
            s.OrganizationId, c.ConversationId));
        await batch.ExecuteNonQueryAsync(ct);
        return id;
    }

    private static NpgsqlBatchCommand Command(string sql, params object?[] values) => SqlArg.Batch(sql, values);

    internal static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar };

    internal static string? Cut(string? s, int max) => s is null ? null : s.Length <= max ? s : s[..max];
}
