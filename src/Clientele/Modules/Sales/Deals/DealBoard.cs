using Clientele.Platform.Database;

namespace Clientele.Modules.Sales.Deals;

/// <summary>The deals behind the /app/pipeline board and table: the same filter and the same rows the pipeline totals add up.</summary>
public static class DealBoard
{
    public sealed record Card(Guid Id, string Name, string Stage, decimal Value, int Probability, decimal WeightedValue,
        DateTime? ExpectedClose, string? Owner, string? Customer, Guid? CustomerId, DateTime UpdatedAt);

    public sealed record Owner(Guid Id, string Name);

    public static Task<List<Card>> CardsAsync(TenantSession s, DealPipeline.Filter f, string currency, CancellationToken ct) =>
        s.ReadListAsync("""
            SELECT d.id, d.name, d.stage, d.value, d.probability, round(d.value * d.probability / 100.0, 2), d.expected_close_date,
                   coalesce(u.name, u.email), coalesce(c.company_name, c.name, c.email), d.customer_id, d.updated_at
            FROM deals d
            LEFT JOIN users u ON u.organization_id = d.organization_id AND u.id = d.assigned_to
            LEFT JOIN customers c ON c.organization_id = d.organization_id AND c.id = d.customer_id AND c.deleted_at IS NULL
            WHERE d.organization_id = $1 AND d.deleted_at IS NULL AND d.currency = $2
              AND ($3::uuid IS NULL OR d.assigned_to = $3)
              AND ($4::text IS NULL OR to_char(d.expected_close_date AT TIME ZONE 'UTC', 'YYYY-MM') = $4)
            ORDER BY d.expected_close_date NULLS LAST, d.value DESC, d.id
            LIMIT 2000
            """, [s.OrganizationId, currency, SqlArg.Uuid(f.AssignedTo), SqlArg.Text(f.CloseMonth)],
            r => new Card(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetDecimal(3), r.GetInt32(4), r.GetDecimal(5),
                r.IsDBNull(6) ? null : r.GetDateTime(6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8),
                r.IsDBNull(9) ? null : r.GetGuid(9), r.GetDateTime(10)), ct);

    /// <summary>People who own deals or can: the owner filter's choices.</summary>
    public static Task<List<Owner>> OwnersAsync(TenantSession s, CancellationToken ct) =>
        s.ReadListAsync("""
            SELECT u.id, coalesce(u.name, u.email) FROM users u
            WHERE u.organization_id = $1 AND u.deleted_at IS NULL AND u.role <> 'viewer'
            ORDER BY 2, 1
            """, [s.OrganizationId], r => new Owner(r.GetGuid(0), r.GetString(1)), ct);
}
