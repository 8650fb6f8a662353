using Npgsql;

namespace Clientele.Bench;

/// <summary>The console bench's volume (added to the demo organization with plain SQL) and the pages with their raw queries.</summary>
public static class ConsoleBenchData
{
    public sealed record Ids(Guid Thread, Guid Customer, long Conversations, long Customers);

    /// <summary>
    /// 50k customers, 100k conversations over the last year (two of three open, one in twenty
    /// escalated, three channels), three messages each and a latest extraction on every tenth.
    /// Triggers are off for the load (session_replication_role = replica: no console NOTIFY per
    /// row); VACUUM ANALYZE afterwards, as autovacuum soon would.
    /// </summary>
    public static async Task SeedVolumeAsync(string ownerConnection, Guid org)
    {
        await using var conn = new NpgsqlConnection(ownerConnection);
        await conn.OpenAsync();
        foreach (var sql in new[]
        {
            "SET session_replication_role = replica",
            """
            INSERT INTO customers (id, organization_id, email, name, plan, company_name, mrr, health_score, churn_risk, country, stage, renewal_date)
            SELECT gen_random_uuid(), $1, 'bulk' || g || '@bench.test', 'Bulk Customer ' || g, (ARRAY['free','basic','premium','enterprise'])[1 + g % 4],
                   'Company ' || (g % 5000), 10 + g % 1000, g % 101, (g % 100) / 100.0, 'US', 'active', current_date + g % 365
            FROM generate_series(1, 50000) g
            """,
            """
            CREATE TEMP TABLE bulk AS
            SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn FROM customers WHERE organization_id = $1 AND email LIKE 'bulk%@bench.test'
            """,
            """
            INSERT INTO conversations (id, organization_id, customer_id, channel, customer_phone, status, is_active, started_at, last_message_at, ended_at)
            SELECT gen_random_uuid(), $1, b.id, (ARRAY['whatsapp','web_chat','email'])[1 + g % 3], '+1555' || lpad(g::text, 7, '0'),
                   CASE WHEN g % 20 = 0 THEN 'escalated' WHEN g % 3 = 0 THEN 'resolved' ELSE 'active' END, g % 3 <> 0,
                   t, t + interval '3 minutes', CASE WHEN g % 3 = 0 THEN t + interval '10 minutes' END
            FROM generate_series(1, 100000) g
            JOIN bulk b ON b.rn = g % 50000
            CROSS JOIN LATERAL (SELECT now() - make_interval(mins => g * 5)) x(t)
            """,
            """
            INSERT INTO messages (id, organization_id, conversation_id, sequence_no, role, content, agent_name, "timestamp")
            SELECT gen_random_uuid(), $1, c.id, k, CASE WHEN k = 1 THEN 'assistant' ELSE 'user' END,
                   CASE k WHEN 0 THEN 'Hello, I have a question about my order ' || c.customer_phone WHEN 1 THEN 'Happy to help: which order is it?' ELSE 'The one from last week, thanks' END,
                   CASE WHEN k = 1 THEN 'support' END, c.started_at + make_interval(mins => k)
            FROM conversations c CROSS JOIN generate_series(0, 2) k
            WHERE c.organization_id = $1 AND c.customer_phone LIKE '+1555%'
            """,
            """
            INSERT INTO extractions (id, organization_id, conversation_id, customer_phone, is_latest, lead_status_tag, total_score)
            SELECT gen_random_uuid(), $1, c.id, c.customer_phone, true, (ARRAY['Hot','Warm','Cold'])[1 + (abs(hashtext(c.id::text)) % 3)], 10
            FROM conversations c WHERE c.organization_id = $1 AND c.customer_phone LIKE '+1555%' AND abs(hashtext(c.id::text)) % 10 = 0
            """,
            "SET session_replication_role = DEFAULT",
            "VACUUM ANALYZE customers", "VACUUM ANALYZE conversations", "VACUUM ANALYZE messages", "VACUUM ANALYZE extractions",
        })
        {
            await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 600 };
            if (sql.Contains("$1", StringComparison.Ordinal)) cmd.Parameters.AddWithValue(org);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The newest conversation (the thread page) and the demo customer with the most conversations (the record page).</summary>
    public static async Task<Ids> PickAsync(NpgsqlDataSource raw, Guid org)
    {
        await using var cmd = raw.CreateCommand("""
            SELECT (SELECT id FROM conversations WHERE organization_id = $1 AND deleted_at IS NULL ORDER BY coalesce(last_message_at, started_at) DESC, id DESC LIMIT 1),
                   (SELECT cu.id FROM customers cu WHERE cu.organization_id = $1 AND cu.email NOT LIKE 'bulk%@bench.test'
                    ORDER BY (SELECT count(*) FROM conversations c WHERE c.organization_id = $1 AND c.customer_id = cu.id) DESC, cu.id LIMIT 1),
                   (SELECT count(*) FROM conversations WHERE organization_id = $1), (SELECT count(*) FROM customers WHERE organization_id = $1)
            """);
        cmd.Parameters.AddWithValue(org);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return new Ids(r.GetGuid(0), r.GetGuid(1), r.GetInt64(2), r.GetInt64(3));
    }

    /// <summary>Each page, its path, and the raw query that fetches what its main list shows.</summary>
    public static IEnumerable<(string Page, string Path, string Sql, object[] Args)> Pages(Guid org, Ids ids)
    {
        yield return ("home", "/app", """
            SELECT o.open, o.unassigned, o.escalated,
                   (SELECT count(*) FROM approvals WHERE organization_id = $1 AND status = 'pending'),
                   (SELECT count(*) FROM customers WHERE organization_id = $1 AND deleted_at IS NULL AND health_score < 50 AND churn_risk > 0.7)
            FROM (SELECT count(*) AS open, count(*) FILTER (WHERE assigned_to IS NULL) AS unassigned, count(*) FILTER (WHERE status = 'escalated') AS escalated
                  FROM conversations WHERE organization_id = $1 AND deleted_at IS NULL AND is_active) o
            """, [org]);
        yield return ("inbox list", "/app/inbox", """
            SELECT c.id, cu.name, c.customer_phone, c.channel, c.status, coalesce(c.last_message_at, c.started_at)
            FROM conversations c LEFT JOIN customers cu ON cu.organization_id = c.organization_id AND cu.id = c.customer_id
            WHERE c.organization_id = $1 AND c.deleted_at IS NULL AND c.is_active
            ORDER BY coalesce(c.last_message_at, c.started_at) DESC, c.id DESC LIMIT 51
            """, [org]);
        yield return ("inbox thread", $"/app/inbox/{ids.Thread}", """
            SELECT id, role, content, "timestamp" FROM messages WHERE organization_id = $1 AND conversation_id = $2 AND deleted_at IS NULL ORDER BY sequence_no
            """, [org, ids.Thread]);
        yield return ("customers list", "/app/customers", """
            SELECT c.id, c.name, c.email, c.plan, c.mrr, c.health_score, c.churn_risk, c.renewal_date FROM customers c
            WHERE c.organization_id = $1 AND c.deleted_at IS NULL ORDER BY lower(coalesce(c.name, c.email)), c.id LIMIT 51
            """, [org]);
        yield return ("customer record", $"/app/customers/{ids.Customer}", """
            SELECT * FROM customers WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL
            """, [org, ids.Customer]);
        yield return ("approvals", "/app/approvals", """
            SELECT * FROM approvals WHERE organization_id = $1 AND status = 'pending' ORDER BY created_at LIMIT 50
            """, [org]);
    }
}
