using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.Customers;

/// <summary>
/// Reads the customer page in one round trip: the header, every section's rows (the newest 50 of
/// each, formatted as text by SQL), the usage and health series and the notes, as one batch in
/// one read-only transaction (one consistent snapshot). Sections of modules without behaviour yet
/// are shown read-only from their tables.
/// </summary>
public static class CustomerRecordReader
{
    private const string Money = "'FM999,999,990.00'";
    private const string Day = "'YYYY-MM-DD'";

    // key, title, columns, SQL (columns: href, cells...; $1 organization, $2 customer), empty state
    private static readonly (string Key, string Title, string[] Columns, string Sql, string Empty)[] Tables =
    [
        ("conversations", "Conversations", ["Started", "Channel", "Status", "Intent", "Messages"], """
            SELECT '/app/inbox/' || cv.id, to_char(cv.started_at, 'YYYY-MM-DD HH24:MI'), cv.channel, cv.status, cv.primary_intent,
                   (SELECT count(*) FROM messages m WHERE m.organization_id = cv.organization_id AND m.conversation_id = cv.id AND m.deleted_at IS NULL)::text
            FROM conversations cv WHERE cv.organization_id = $1 AND cv.customer_id = $2 AND cv.deleted_at IS NULL ORDER BY cv.started_at DESC LIMIT 50
            """, "No conversations yet: messages from this customer on any channel appear here."),
        ("subscriptions", "Subscriptions", ["Plan", "Cycle", "Status", "MRR", "Seats", "Period ends"], $"""
            SELECT NULL, sb.plan, sb.billing_cycle, sb.status, to_char(sb.mrr, {Money}), sb.seats_used || ' / ' || sb.seats_total, to_char(sb.current_period_end, {Day})
            FROM subscriptions sb WHERE sb.organization_id = $1 AND sb.customer_id = $2 AND sb.deleted_at IS NULL ORDER BY sb.created_at DESC LIMIT 50
            """, "No subscription."),
        ("invoices", "Invoices", ["Number", "Amount", "Status", "Issued", "Due", "Paid"], $"""
            SELECT NULL, i.invoice_number, to_char(i.amount, {Money}) || ' ' || i.currency, i.status, to_char(i.issued_at, {Day}), to_char(i.due_at, {Day}), to_char(i.paid_at, {Day})
            FROM invoices i WHERE i.organization_id = $1 AND i.customer_id = $2 AND i.deleted_at IS NULL ORDER BY coalesce(i.issued_at, i.created_at) DESC LIMIT 50
            """, "No invoices."),
        ("payments", "Payments", ["Date", "Amount", "Status", "Method", "Failure"], $"""
            SELECT NULL, to_char(coalesce(pay.processed_at, pay.created_at), {Day}), to_char(pay.amount, {Money}) || ' ' || pay.currency, pay.status, pay.payment_method, pay.failed_reason
            FROM payments pay WHERE pay.organization_id = $1 AND pay.customer_id = $2 AND pay.deleted_at IS NULL ORDER BY coalesce(pay.processed_at, pay.created_at) DESC LIMIT 50
            """, "No payments."),
        ("credits", "Credits", ["Granted", "Amount", "Used", "Type", "Status", "Reason", "Expires"], $"""
            SELECT NULL, to_char(cr.created_at, {Day}), to_char(cr.amount, {Money}) || ' ' || cr.currency, to_char(cr.used_amount, {Money}), cr.credit_type, cr.status, cr.reason,
                   to_char(cr.expires_at, {Day})
            FROM credits cr WHERE cr.organization_id = $1 AND cr.customer_id = $2 AND cr.deleted_at IS NULL ORDER BY cr.created_at DESC LIMIT 50
            """, "No credits."),
        ("leads", "Leads", ["Name", "Email", "Score", "Status", "Source"], """
            SELECT NULL, l.name, l.email, l.lead_score::text, l.qualification_status, l.source
            FROM leads l WHERE l.organization_id = $1 AND (l.customer_id = $2 OR l.converted_to_customer_id = $2) AND l.deleted_at IS NULL ORDER BY l.created_at DESC LIMIT 50
            """, "No leads."),
        ("deals", "Deals", ["Name", "Value", "Stage", "Probability", "Expected close"], $"""
            SELECT NULL, d.name, to_char(d.value, {Money}) || ' ' || d.currency, d.stage, d.probability || '%', to_char(d.expected_close_date, {Day})
            FROM deals d WHERE d.organization_id = $1 AND d.customer_id = $2 AND d.deleted_at IS NULL ORDER BY d.created_at DESC LIMIT 50
            """, "No deals."),
        ("quotes", "Quotes", ["Number", "Total", "Status", "Valid until", "Accepted"], $"""
            SELECT NULL, q.quote_number, to_char(q.total_amount, {Money}) || ' ' || q.currency, q.status, to_char(q.valid_until, {Day}), to_char(q.accepted_at, {Day})
            FROM quotes q WHERE q.organization_id = $1 AND q.customer_id = $2 AND q.deleted_at IS NULL ORDER BY q.created_at DESC LIMIT 50
            """, "No quotes."),
        // Five columns, so the table fits its card beside the copilot: the role says whether this is the primary contact and how they feel.
        ("people", "People", ["Name", "Title", "Email", "Phone", "Role"], """
            SELECT NULL, p.name, p.title, p.email, p.phone,
                   nullif(concat_ws(' · ', replace(p.role, '_', ' '), CASE WHEN p.is_primary THEN 'primary contact' END, 'sentiment ' || p.sentiment), '')
            FROM customer_contacts p WHERE p.organization_id = $1 AND p.customer_id = $2 AND p.deleted_at IS NULL ORDER BY p.is_primary DESC, p.name LIMIT 50
            """, "No contacts or stakeholders recorded."),
        ("contracts", "Contracts", ["File", "ARR", "Term", "Start", "End", "Status"], $"""
            SELECT NULL, k.file_name, to_char(k.arr, {Money}), k.contract_term, to_char(k.start_date, {Day}), to_char(k.end_date, {Day}), k.status
            FROM contracts k WHERE k.organization_id = $1 AND k.customer_id = $2 ORDER BY k.created_at DESC LIMIT 50
            """, "No contracts."),
    ];

    private const string HeaderSql = """
        SELECT c.id, c.name, c.email, c.company_name, c.plan, c.mrr, c.arr, c.health_score, c.churn_risk, c.renewal_date, c.csm_id, u.name,
               c.stage, c.segment, c.industry, c.nps_score
        FROM customers c LEFT JOIN users u ON u.organization_id = c.organization_id AND u.id = c.csm_id
        WHERE c.organization_id = $1 AND c.id = $2 AND c.deleted_at IS NULL
        """;
    private const string UsageSql = """
        SELECT metric_date, dau, mau, api_calls, adoption_score FROM (
          SELECT * FROM usage_metrics WHERE organization_id = $1 AND customer_id = $2 ORDER BY metric_date DESC LIMIT 90) x ORDER BY metric_date
        """;
    private const string HealthSql = """
        SELECT (recorded_at AT TIME ZONE 'UTC')::date, score FROM (
          SELECT * FROM health_score_history WHERE organization_id = $1 AND customer_id = $2 ORDER BY recorded_at DESC LIMIT 180) x ORDER BY recorded_at
        """;
    private const string NotesSql = """
        SELECT n.id, n.created_at, n.note_type, n.content, u.name
        FROM customer_notes n LEFT JOIN users u ON u.organization_id = n.organization_id AND u.id = n.author_id
        WHERE n.organization_id = $1 AND n.customer_id = $2 AND n.deleted_at IS NULL ORDER BY n.created_at DESC LIMIT 50
        """;

    public static async Task<CustomerRecord?> ReadAsync(TenantSession s, Guid customerId, CancellationToken ct)
    {
        var conn = await s.BeginAsync(ct);
        await using var batch = new NpgsqlBatch(conn, s.Transaction);
        foreach (var sql in new[] { HeaderSql }.Concat(Tables.Select(t => t.Sql)).Concat([UsageSql, HealthSql, NotesSql]))
        {
            var cmd = new NpgsqlBatchCommand(sql);
            cmd.Parameters.Add(new NpgsqlParameter { Value = s.OrganizationId });
            cmd.Parameters.Add(new NpgsqlParameter { Value = customerId });
            batch.BatchCommands.Add(cmd);
        }
        await using var r = await batch.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        var header = new CustomerHeader(r.GetGuid(0), S(1), r.GetString(2), S(3), S(4), r.IsDBNull(5) ? null : r.GetDecimal(5), r.IsDBNull(6) ? null : r.GetDecimal(6),
            r.IsDBNull(7) ? null : r.GetInt32(7), r.IsDBNull(8) ? null : r.GetDecimal(8), r.IsDBNull(9) ? null : r.GetFieldValue<DateOnly>(9),
            r.IsDBNull(10) ? null : r.GetGuid(10), S(11), S(12), S(13), S(14), r.IsDBNull(15) ? null : r.GetInt32(15));

        var sections = new List<RecordSection>();
        foreach (var t in Tables)
        {
            await r.NextResultAsync(ct);
            var rows = new List<RecordRow>();
            while (await r.ReadAsync(ct))
            {
                var cells = new string?[r.FieldCount - 1];
                for (var i = 1; i < r.FieldCount; i++) cells[i - 1] = S(i);
                rows.Add(new RecordRow(S(0), cells));
            }
            sections.Add(new RecordSection(t.Key, t.Title, t.Columns, rows, t.Empty));
        }

        await r.NextResultAsync(ct);
        var usage = new Dictionary<string, IReadOnlyList<ChartPoint>>(StringComparer.Ordinal);
        var dau = new List<ChartPoint>(); var mau = new List<ChartPoint>(); var api = new List<ChartPoint>(); var adoption = new List<ChartPoint>();
        while (await r.ReadAsync(ct))
        {
            var d = r.GetFieldValue<DateOnly>(0);
            if (!r.IsDBNull(1)) dau.Add(new(d, r.GetInt32(1)));
            if (!r.IsDBNull(2)) mau.Add(new(d, r.GetInt32(2)));
            if (!r.IsDBNull(3)) api.Add(new(d, r.GetInt32(3)));
            if (!r.IsDBNull(4)) adoption.Add(new(d, r.GetInt32(4)));
        }
        usage["dau"] = dau; usage["mau"] = mau; usage["api_calls"] = api; usage["adoption_score"] = adoption;

        await r.NextResultAsync(ct);
        var health = new List<ChartPoint>();
        while (await r.ReadAsync(ct)) health.Add(new(r.GetFieldValue<DateOnly>(0), r.GetInt32(1)));

        await r.NextResultAsync(ct);
        var notes = new List<CustomerNoteRow>();
        while (await r.ReadAsync(ct))
            notes.Add(new CustomerNoteRow(r.GetGuid(0), DateTime.SpecifyKind(r.GetDateTime(1), DateTimeKind.Utc), r.GetString(2), r.GetString(3), S(4)));
        return new CustomerRecord(header, sections, usage, health, notes);
    }
}
