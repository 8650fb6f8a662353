using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Events;
using Npgsql;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>
/// The seed-000 leads row of a conversation, created by its first extraction and updated by the
/// next ones (one lead per conversation: leads_one_per_conversation, migration 0025). What the AI
/// derives (lead_score, budget, need_score, timeline) follows the latest extraction; contact
/// fields are only filled when empty (a rep's corrections stay); qualification_status follows
/// the tag while it is new/mql/sql and is left alone once a person set qualified, disqualified or
/// converted; a soft-deleted lead stays deleted.
/// </summary>
public static class LeadRecords
{
    /// <returns>the lead's id, or null when the lead was deleted</returns>
    public static async Task<Guid?> UpsertAsync(TenantSession s, ConversationSnapshot c, LeadReading r, Guid extractionId, CancellationToken ct)
    {
        // What the lead was before, for lead.created / lead.hot (docs/automation.md).
        string? previousTag = null;
        var existed = false;
        await using (var prev = await s.CommandAsync("SELECT extra_metadata->>'lead_status_tag' FROM leads WHERE organization_id = $1 AND conversation_id = $2", ct))
        {
            prev.Parameters.AddWithValue(s.OrganizationId);
            prev.Parameters.AddWithValue(c.ConversationId);
            await using var pr = await prev.ExecuteReaderAsync(ct);
            if (await pr.ReadAsync(ct)) { existed = true; previousTag = pr.IsDBNull(0) ? null : pr.GetString(0); }
        }
        var leadId = await WriteAsync(s, c, r, extractionId, ct);
        if (leadId is { } lid)
        {
            var named = new List<string>();
            if (!existed) named.Add("lead.created");
            if (r.Tag == "Hot" && previousTag != "Hot") named.Add("lead.hot");
            await DomainEvents.PublishRowAsync(s, "leads", lid, ct, null, [.. named]);
        }
        return leadId;
    }

    private static async Task<Guid?> WriteAsync(TenantSession s, ConversationSnapshot c, LeadReading r, Guid extractionId, CancellationToken ct)
    {
        return await s.ExecuteScalarAsync("""
            INSERT INTO leads (id, organization_id, conversation_id, customer_id, email, name, company, phone, budget, need_score, timeline,
              lead_score, qualification_status, source, assigned_to, extra_metadata, created_by, updated_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
            ON CONFLICT (organization_id, conversation_id) WHERE conversation_id IS NOT NULL DO UPDATE SET
              customer_id = coalesce(leads.customer_id, EXCLUDED.customer_id),
              email = coalesce(leads.email, EXCLUDED.email), name = coalesce(leads.name, EXCLUDED.name),
              company = coalesce(leads.company, EXCLUDED.company), phone = coalesce(leads.phone, EXCLUDED.phone),
              budget = EXCLUDED.budget, need_score = EXCLUDED.need_score, timeline = EXCLUDED.timeline, lead_score = EXCLUDED.lead_score,
              qualification_status = CASE WHEN leads.qualification_status IN ('new', 'mql', 'sql') THEN EXCLUDED.qualification_status
                                          ELSE leads.qualification_status END,
              source = coalesce(leads.source, EXCLUDED.source),
              assigned_to = coalesce(leads.assigned_to, EXCLUDED.assigned_to),
              extra_metadata = coalesce(leads.extra_metadata, '{}'::jsonb) || EXCLUDED.extra_metadata,
              updated_by = EXCLUDED.updated_by
            WHERE leads.deleted_at IS NULL
            RETURNING id
            """,
            [Guid.CreateVersion7(), s.OrganizationId, c.ConversationId, Uuid(c.CustomerId),
             Text(Cut(r.Email, 255)), Text(Cut(r.Name, 255)), Text(Cut(r.Company, 255)), Text(Cut(r.Phone, 50)), Text(r.Budget.Level),
             // need_score (BANT need, 0-1) from the intent score: 1 → 0, 2 → 0.5, 3 → 1.
             (r.IntentLevel.Score - 1) / 2m,
             Text(Timeline(r)), LeadScoring.LeadScore(r.TotalScore), LeadScoring.Qualification(r.Tag), Text(c.Channel), Uuid(c.AssignedTo),
             new JsonObject
             {
                 ["extraction_id"] = extractionId.ToString(), ["lead_status_tag"] = r.Tag, ["total_score"] = r.TotalScore,
                 ["seats"] = r.Seats, ["intent"] = r.Intent,
             },
             Uuid(s.Tenant.ActorId)], ct) is Guid id ? id : null;
    }

    /// <summary>BANT timeline from the urgency: "urgent", "soon" or "no rush stated".</summary>
    private static string Timeline(LeadReading r) => r.Urgency.Level switch { "High" => "urgent", "Medium" => "soon", _ => "no rush stated" };

    private static NpgsqlParameter Uuid(Guid? value) => SqlArg.Uuid(value);

    private static NpgsqlParameter Text(string? value) => ExtractionWriter.Text(value);

    private static string? Cut(string? value, int max) => ExtractionWriter.Cut(value, max);
}
