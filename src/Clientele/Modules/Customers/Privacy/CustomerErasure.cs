using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;

namespace Clientele.Modules.Customers.Privacy;

/// <summary>What an erase did (or that it had been done before: nothing changes the second time).</summary>
public sealed record ErasureResult(bool AlreadyErased, DateTime ErasedAt, IReadOnlyDictionary<string, int> Anonymised, int OtherRows);

/// <summary>
/// The privacy erase: anonymises the customer's personal data everywhere and keeps every amount,
/// count and date, so revenue, usage and conversation numbers still add up. In one transaction:
/// <list type="number">
/// <item>the identifying columns (emails, phones, person names) of the customer's rows in every
/// <see cref="CustomerGraph"/> table get placeholders, unique per row so unique indexes hold; what
/// they held is remembered;</item>
/// <item>what the customer wrote (the user messages of their conversations) becomes "[erased]";</item>
/// <item>every text and JSON column of the organization loses the remembered names, addresses and
/// phones, wherever they were copied (audit log, activity feed, notifications, events, outbox, AI
/// replies): <c>clientele_erase_text</c> (migration 0115);</item>
/// <item>customers.erased_at is set and the audit log and activity feed say so (counts, no data).</item>
/// </list>
/// A customer already erased is left alone (idempotent).
/// </summary>
public static partial class CustomerErasure
{
    /// <summary>Columns that identify a person wherever they appear.</summary>
    [GeneratedRegex("^(email|phone|phone_number|full_name|first_name|last_name|customer_name|contact_name|[a-z_]+_email|[a-z_]+_phone)$")]
    private static partial Regex PersonalColumn();

    /// <summary>Tables whose row is a person: their plain "name" is a person's name (a deal's or a trigger's is not).</summary>
    private static readonly HashSet<string> PersonTables = new(StringComparer.Ordinal) { "customers", "customer_contacts", "leads", "extractions" };

    public const string Placeholder = "[erased]";

    /// <summary>Null when there is no such customer in the organization (soft-deleted ones included: their data is still here).</summary>
    public static async Task<ErasureResult?> EraseAsync(TenantSession s, Guid customerId, CancellationToken ct)
    {
        var state = await s.QueryFirstAsync("SELECT erased_at FROM customers WHERE organization_id = $1 AND id = $2 FOR UPDATE",
            [s.OrganizationId, customerId], r => (Found: true, ErasedAt: r.IsDBNull(0) ? (DateTime?)null : r.GetDateTime(0)), ct);
        if (!state.Found) return null;
        if (state.ErasedAt is { } before) return new ErasureResult(true, before, new Dictionary<string, int>(), 0);

        var graph = await CustomerGraph.ReadAsync(s, ct);
        var needles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var anonymised = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in graph)
        {
            var personal = t.Columns.Where(c => IsPersonal(t.Table, c) && c.Type is not "uuid").ToList();
            if (personal.Count == 0) continue;
            var list = string.Join(", ", personal.Select(c => $"t0.{CustomerGraph.Q(c.Name)}::text"));
            var found = await s.QueryAsync($"SELECT DISTINCT v FROM {CustomerGraph.Q(t.Table)} t0, unnest(ARRAY[{list}]) v WHERE t0.organization_id = $2 AND {t.Where} AND v IS NOT NULL",
                [customerId, s.OrganizationId], r => r.GetString(0), ct);
            foreach (var v in found.Where(v => v.Trim().Length > 0)) needles.Add(v.Trim());
            if (found.Count == 0) continue;
            var sets = string.Join(", ", personal.Select(c => $"{CustomerGraph.Q(c.Name)} = {PlaceholderFor(c)}"));
            var changed = await s.ExecuteAsync($"UPDATE {CustomerGraph.Q(t.Table)} t0 SET {sets} WHERE t0.organization_id = $2 AND {t.Where}",
                [customerId, s.OrganizationId], ct);
            if (changed > 0) anonymised[t.Table] = changed;
        }
        var written = await s.ExecuteAsync("""
            UPDATE messages m SET content = $3 FROM conversations c
            WHERE m.organization_id = $2 AND c.organization_id = $2 AND m.conversation_id = c.id AND c.customer_id = $1 AND m.role = 'user' AND m.content <> $3
            """, [customerId, s.OrganizationId, Placeholder], ct);
        if (written > 0) anonymised["messages"] = anonymised.GetValueOrDefault("messages") + written;
        var swept = await s.ScalarAsync<int>("SELECT clientele_erase_text($1, $2)", [s.OrganizationId, needles.ToArray()], ct);
        var at = await s.ScalarAsync<DateTime>("UPDATE customers SET erased_at = now() WHERE organization_id = $1 AND id = $2 RETURNING erased_at",
            [s.OrganizationId, customerId], ct);
        var summary = new JsonObject
        {
            ["erased"] = true,
            ["anonymised"] = new JsonObject(anonymised.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["other_rows"] = swept,
        };
        // audit_logs.action is one of seed 000's verbs: an erase is an update of the customer (changes say "erased")
        await AuditWriter.WriteAsync(s, "customers", customerId, "update", summary, ct);
        await ActivityFeed.WriteAsync(s, "customer.erased", "customers", customerId, "Erased customer", summary, ct);
        return new ErasureResult(false, at, anonymised, swept);
    }

    public static bool IsPersonal(string table, GraphColumn c) =>
        PersonalColumn().IsMatch(c.Name) || (c.Name == "name" && PersonTables.Contains(table));

    /// <summary>Unique per row (md5 of the row's id), so one-per-address and one-active-per-phone indexes still hold;
    /// never NULL where there was a value (an agent's conversation must keep a phone).</summary>
    private static string PlaceholderFor(GraphColumn c)
    {
        var tag = "substr(md5(t0.id::text), 1, 10)";
        var value = c.Name.Contains("email", StringComparison.Ordinal) ? $"'erased-' || {tag} || '@erased.invalid'"
            : c.Name.Contains("phone", StringComparison.Ordinal) ? $"'erased-' || {tag}"
            : "'Erased'";
        return $"CASE WHEN {CustomerGraph.Q(c.Name)} IS NULL THEN NULL ELSE ({value})::{c.Type} END";
    }
}
