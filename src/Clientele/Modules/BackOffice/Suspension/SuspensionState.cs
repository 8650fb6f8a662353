using Clientele.Platform.Database;
using Microsoft.Extensions.Caching.Memory;

namespace Clientele.Modules.BackOffice.Suspension;

/// <summary>
/// Whether an organization is suspended, read under its own RLS and cached 5 s per node (every API
/// request and every inbound job asks); the node that (un)suspends forgets its entry at once.
/// </summary>
public sealed class SuspensionState(IMemoryCache cache, TenantSessions sessions)
{
    public sealed record State(DateTime? At, string? Reason)
    {
        public bool Suspended => At is not null;
    }

    private static string Key(Guid organizationId) => "suspension:" + organizationId;

    public void Forget(Guid organizationId) => cache.Remove(Key(organizationId));

    public async Task<State> GetAsync(Guid organizationId, CancellationToken ct)
    {
        if (cache.TryGetValue(Key(organizationId), out State? cached) && cached is not null) return cached;
        var tenant = new TenantContext { OrganizationId = organizationId, ActorType = "system", Role = Roles.Viewer };
        await using var s = sessions.Open(tenant);
        var state = await ReadAsync(s, ct);
        cache.Set(Key(organizationId), state, TimeSpan.FromSeconds(5));
        return state;
    }

    /// <summary>The organization's row as the session sees it (its own tenant).</summary>
    public static async Task<State> ReadAsync(TenantSession s, CancellationToken ct) =>
        await s.ReadFirstAsync("SELECT suspended_at, suspended_reason FROM organizations WHERE id = $1", [s.OrganizationId],
            r => new State(r.IsDBNull(0) ? null : DateTime.SpecifyKind(r.GetDateTime(0), DateTimeKind.Utc), r.IsDBNull(1) ? null : r.GetString(1)), ct)
        ?? new State(null, null);
}
