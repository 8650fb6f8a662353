using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.Success.Segments;

/// <summary>
/// Keeps each customer's system segments (assigned_by 'system') equal to what the rules say, in two
/// statements per batch of customers: a system segment the rules no longer give is soft-deleted, a
/// new one inserted, an unchanged one only gets its confidence and basis refreshed. Segments people
/// or imports assigned (any other assigned_by) are never touched. One live system segment per
/// customer and type (migration 0081).
/// </summary>
public static class SegmentWriter
{
    public static void Plan(TenantSession s, IReadOnlyDictionary<Guid, List<SegmentRules.Assigned>> wanted, DateTime now, List<NpgsqlBatchCommand> batch)
    {
        if (wanted.Count == 0) return;
        var rows = wanted.SelectMany(kv => kv.Value.Select(a => (Customer: kv.Key, A: a))).ToList();
        var customers = wanted.Keys.ToArray();
        var ids = rows.Select(r => r.Customer).ToArray();
        var types = rows.Select(r => r.A.Type).ToArray();
        var names = rows.Select(r => r.A.Name).ToArray();
        var confidence = rows.Select(r => r.A.Confidence).ToArray();
        var basis = rows.Select(r => r.A.Basis.ToJsonString()).ToArray();
        batch.Add(SqlArg.Batch("""
            UPDATE customer_segments cs SET deleted_at = $6, updated_at = $6
            WHERE cs.organization_id = $1 AND cs.customer_id = ANY($2) AND cs.assigned_by = 'system' AND cs.deleted_at IS NULL
              -- NOT IN over the arrays is a hashed subplan; NOT EXISTS planned a nested loop over
              -- the unnest for every live segment (about a second per 1,000 customers in a steady sweep).
              AND (cs.customer_id, cs.segment_type, cs.segment_name) NOT IN
                  (SELECT w.customer_id, w.segment_type, w.segment_name FROM unnest($3::uuid[], $4::text[], $5::text[]) AS w(customer_id, segment_type, segment_name))
            """, s.OrganizationId, customers, ids, types, names, now));
        batch.Add(SqlArg.Batch("""
            INSERT INTO customer_segments (id, organization_id, customer_id, segment_type, segment_name, confidence_score, assigned_at, assigned_by, extra_metadata)
            SELECT gen_random_uuid(), $1, w.customer_id, w.segment_type, w.segment_name, w.confidence, $7, 'system', w.basis::jsonb
            FROM unnest($2::uuid[], $3::text[], $4::text[], $5::numeric[], $6::text[]) AS w(customer_id, segment_type, segment_name, confidence, basis)
            ON CONFLICT (organization_id, customer_id, segment_type) WHERE assigned_by = 'system' AND deleted_at IS NULL
            DO UPDATE SET confidence_score = EXCLUDED.confidence_score, extra_metadata = EXCLUDED.extra_metadata, updated_at = EXCLUDED.assigned_at
            WHERE customer_segments.confidence_score IS DISTINCT FROM EXCLUDED.confidence_score OR customer_segments.extra_metadata IS DISTINCT FROM EXCLUDED.extra_metadata
            """, s.OrganizationId, ids, types, names, confidence, basis, now));
    }
}
