using Clientele.Modules.Agents.Ai;
using Clientele.Platform.Database;

namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// The organization's knowledge_base articles that answer a question, by PostgreSQL full-text
/// search inside the caller's TenantSession (row-level security keeps it to the tenant). The
/// question's words are OR-ed (a customer's sentence rarely has every word in one article) and
/// matched with the same expression as idx_knowledge_base_fts, so the GIN index is used; the rank
/// favours title matches and articles that contain the whole question (websearch_to_tsquery).
/// Customer-facing callers get public articles only; internal ones need includeInternal.
/// </summary>
public sealed class KnowledgeRetriever : IKnowledgeRetriever
{
    // Keep this expression identical to idx_knowledge_base_fts (migration 0017) or the index is not used.
    internal const string Document = "to_tsvector('english', coalesce(k.title, '') || ' ' || coalesce(k.content, ''))";

    internal const string Sql = $"""
        SELECT k.id, k.title, k.content,
               ts_rank(setweight(to_tsvector('english', coalesce(k.title, '')), 'A') || setweight(to_tsvector('english', coalesce(k.content, '')), 'D'),
                       to_tsquery('english', $1), 1)
             + ts_rank({Document}, websearch_to_tsquery('english', $2)) AS rank
        FROM knowledge_base k
        WHERE {Document} @@ to_tsquery('english', $1)
          AND ($4 OR k.is_public)
        ORDER BY rank DESC, k.helpful_count DESC, k.id
        LIMIT $3
        """;

    /// <summary>Public articles only: what may be quoted to a customer.</summary>
    public Task<IReadOnlyList<KnowledgeHit>> SearchAsync(TenantSession s, string query, int limit, CancellationToken ct) =>
        SearchAsync(s, query, limit, includeInternal: false, ct);

    public async Task<IReadOnlyList<KnowledgeHit>> SearchAsync(TenantSession s, string query, int limit, bool includeInternal, CancellationToken ct)
    {
        var terms = SearchTerms.From(query);
        if (terms.Count == 0 || limit <= 0) return [];
        return await s.ReadListAsync(Sql, [string.Join(" | ", terms), string.Join(' ', terms), Math.Min(limit, 50), includeInternal],
            r => new KnowledgeHit(r.GetGuid(0), r.GetString(1), r.GetString(2), Math.Round(r.GetFloat(3), 4)), ct);
    }
}
