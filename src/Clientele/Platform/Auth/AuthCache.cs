using System.Collections.Concurrent;
using Clientele.Platform.Database;
using Microsoft.Extensions.Logging;

namespace Clientele.Platform.Auth;

/// <summary>What the database said about a credential (an API key or a session): facts, not a verdict.</summary>
public sealed record CredentialFacts(Guid OrganizationId, Guid? UserId, Guid? ApiKeyId, Guid? SessionId, string Role,
    DateTime? ExpiresAt, bool Usable)
{
    /// <summary>The verdict, decided on every request so that expiry is exact even for cached facts.</summary>
    public bool IsValidAt(DateTime utcNow) => Usable && (ExpiresAt is null || ExpiresAt > utcNow);
}

/// <summary>
/// Credential lookups cached for a few seconds (a request costs no extra round trip). Entries
/// are dropped at once on this node when it changes a credential, and on every other node when
/// PostgreSQL's NOTIFY clientele_auth arrives (see <see cref="AuthInvalidationListener"/>).
/// While the listener is not connected nothing is cached, so a missed NOTIFY cannot keep a
/// revoked credential alive.
/// </summary>
public sealed class AuthCache(TimeProvider clock)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (CredentialFacts? Facts, DateTime Until)> _entries = new(StringComparer.Ordinal);

    /// <summary>Set by the listener: caching is only safe while invalidations can reach us.</summary>
    public volatile bool Listening;

    public static string KeyEntry(byte[] hash) => "key:" + Convert.ToHexString(hash).ToLowerInvariant();
    public static string SessionEntry(Guid id) => "session:" + id;

    public bool TryGet(string entry, out CredentialFacts? facts)
    {
        facts = null;
        if (!Listening || !_entries.TryGetValue(entry, out var e)) return false;
        if (e.Until <= clock.GetUtcNow().UtcDateTime) { _entries.TryRemove(entry, out _); return false; }
        facts = e.Facts;
        return true;
    }

    public void Set(string entry, CredentialFacts? facts)
    {
        if (!Listening) return;
        if (_entries.Count > 100_000) _entries.Clear(); // a flood of random keys must not grow memory without bound
        _entries[entry] = (facts, clock.GetUtcNow().UtcDateTime + CacheFor);
    }

    public void Remove(string entry) => _entries.TryRemove(entry, out _);

    /// <summary>Drops every cached credential of a user (role change, deactivation, password change).</summary>
    public void RemoveUser(Guid userId)
    {
        foreach (var (k, v) in _entries)
            if (v.Facts?.UserId == userId) _entries.TryRemove(k, out _);
    }

    public void Clear() => _entries.Clear();

    /// <summary>Applies one clientele_auth notification payload: user:ID, session:ID or key:HEX.</summary>
    public void Apply(string payload)
    {
        if (payload.StartsWith("user:", StringComparison.Ordinal) && Guid.TryParse(payload.AsSpan(5), out var user)) RemoveUser(user);
        else if (payload.StartsWith("session:", StringComparison.Ordinal) || payload.StartsWith("key:", StringComparison.Ordinal)) Remove(payload);
        else Clear();
    }
}

/// <summary>LISTEN clientele_auth; the cache is cleared and trusted again when listening starts, and unused while deaf.</summary>
public sealed class AuthInvalidationListener(DatabaseSettings settings, AuthCache cache, ILogger<AuthInvalidationListener> log) : PgListener(settings, log)
{
    public const string ChannelName = "clientele_auth";
    protected override string ListenChannel => ChannelName;
    protected override void OnNotification(string payload) => cache.Apply(payload);

    protected override void OnListening()
    {
        cache.Clear();
        cache.Listening = true;
    }

    protected override void OnDeaf()
    {
        cache.Listening = false;
        cache.Clear();
    }
}
