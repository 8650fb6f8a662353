using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Platform.Search;

/// <summary>One hit of the global search: what it is, its title and detail, and where it opens.</summary>
public sealed record SearchHit(string Kind, Guid Id, string Title, string? Detail, string Href);

/// <summary>
/// The header's search: customers (name, email, company, their contacts' phones, the phone they write from), conversations
/// (the customer's phone or address, the customer's name), leads (name, email, phone) and
/// prospects (name, email), a few of each, best matches first (prefix before substring). One
/// query, one round trip: it answers while the user types.
/// </summary>
public static class GlobalSearch
{
    public const int MinLength = 2;
    public const int MaxLength = 100;
    public const int PerKind = 5;

    private const string Sql = """
        (SELECT 'customer', c.id, coalesce(c.name, c.email), concat_ws(' · ', c.company_name, c.email, c.plan),
                '/app/customers/' || c.id, (lower(coalesce(c.name, '')) LIKE $3 OR lower(c.email) LIKE $3) AS prefix
         FROM customers c
         WHERE c.organization_id = $1 AND c.deleted_at IS NULL
           AND (c.name ILIKE $2 OR c.email ILIKE $2 OR c.company_name ILIKE $2
                OR EXISTS (SELECT 1 FROM customer_contacts p WHERE p.organization_id = $1 AND p.customer_id = c.id AND p.deleted_at IS NULL
                           AND (p.phone ILIKE $2 OR p.email ILIKE $2 OR p.name ILIKE $2))
                -- the phone they write from (customers have no phone column; one pass over the conversations, hashed)
                OR c.id IN (SELECT cv.customer_id FROM conversations cv WHERE cv.organization_id = $1 AND cv.deleted_at IS NULL
                            AND cv.customer_id IS NOT NULL AND cv.customer_phone ILIKE $2))
         ORDER BY 6 DESC, c.name LIMIT 5)
        UNION ALL
        (SELECT 'conversation', cv.id, coalesce(c.name, cv.customer_phone, 'Conversation'), concat_ws(' · ', cv.channel, cv.status, cv.customer_phone),
                '/app/inbox/' || cv.id, lower(coalesce(cv.customer_phone, '')) LIKE $3
         FROM conversations cv LEFT JOIN customers c ON c.organization_id = cv.organization_id AND c.id = cv.customer_id
         WHERE cv.organization_id = $1 AND cv.deleted_at IS NULL AND (cv.customer_phone ILIKE $2 OR c.name ILIKE $2 OR c.email ILIKE $2)
         ORDER BY 6 DESC, cv.last_message_at DESC NULLS LAST LIMIT 5)
        UNION ALL
        (SELECT 'lead', l.id, coalesce(l.name, l.email, l.phone, 'Lead'), concat_ws(' · ', l.company, l.email, l.phone, l.qualification_status),
                '/app/leads/' || l.id, (lower(coalesce(l.name, '')) LIKE $3 OR lower(coalesce(l.email, '')) LIKE $3)
         FROM leads l
         WHERE l.organization_id = $1 AND l.deleted_at IS NULL AND (l.name ILIKE $2 OR l.email ILIKE $2 OR l.phone ILIKE $2)
         ORDER BY 6 DESC, l.created_at DESC LIMIT 5)
        UNION ALL
        (SELECT 'prospect', pr.id, pr.full_name, concat_ws(' · ', co.name, pr.email, pr.status),
                '/app/prospects/' || pr.id, (lower(pr.full_name) LIKE $3 OR lower(pr.email) LIKE $3)
         FROM prospects pr LEFT JOIN companies co ON co.organization_id = pr.organization_id AND co.id = pr.company_id
         WHERE pr.organization_id = $1 AND (pr.full_name ILIKE $2 OR pr.email ILIKE $2)
         ORDER BY 6 DESC, pr.full_name LIMIT 5)
        """;

    public static string? Normalize(string? q)
    {
        var t = q?.Trim();
        if (t is null || t.Length < MinLength) return null;
        return t.Length > MaxLength ? t[..MaxLength] : t;
    }

    public static async Task<IReadOnlyList<SearchHit>> FindAsync(TenantSession s, string query, CancellationToken ct)
    {
        var escaped = query.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
        var hits = new List<SearchHit>();
        await using var r = await s.ReadAsync(Sql, [
            new NpgsqlParameter { Value = s.OrganizationId },
            new NpgsqlParameter { Value = "%" + escaped + "%" },
            new NpgsqlParameter { Value = escaped.ToLowerInvariant() + "%" },
        ], ct);
        while (await r.ReadAsync(ct))
            hits.Add(new SearchHit(r.GetString(0), r.GetGuid(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4)));
        return hits;
    }
}
