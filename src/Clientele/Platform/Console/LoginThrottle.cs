using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;

namespace Clientele.Platform.WebConsole;

/// <summary>
/// Console sign-in lockout: after Login:MaxFailures wrong passwords for one email (or
/// Login:MaxFailuresPerAddress from one client address) within Login:LockoutMinutes, further attempts are refused until the
/// window passes, whether the password is right or not. In memory per node: a node restart or a
/// second node gives an attacker a few more guesses, never unlimited ones (the "anonymous" rate
/// limit also applies to POST /login).
/// </summary>
public sealed class LoginThrottle(IConfiguration config, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Window> _failures = new(StringComparer.Ordinal);
    private int MaxFailures => config.GetValue("Login:MaxFailures", 5);
    private int MaxFailuresPerAddress => config.GetValue("Login:MaxFailuresPerAddress", 50);
    private TimeSpan Lockout => TimeSpan.FromMinutes(config.GetValue("Login:LockoutMinutes", 15.0));

    private sealed record Window(DateTimeOffset Started, int Count);

    private static string EmailKey(string email) => "e:" + email.Trim().ToLowerInvariant();
    private static string IpKey(string? ip) => "i:" + ip;

    /// <summary>When locked, how long until the next attempt is allowed.</summary>
    public TimeSpan? LockedFor(string email, string? ip)
    {
        var now = clock.GetUtcNow();
        TimeSpan? Check(string key, int max) =>
            _failures.TryGetValue(key, out var w) && w.Count >= max && now - w.Started < Lockout ? Lockout - (now - w.Started) : null;
        return Check(EmailKey(email), MaxFailures) ?? Check(IpKey(ip), MaxFailuresPerAddress);
    }

    public void Failed(string email, string? ip)
    {
        var now = clock.GetUtcNow();
        foreach (var key in new[] { EmailKey(email), IpKey(ip) })
            _failures.AddOrUpdate(key, _ => new Window(now, 1), (_, w) => now - w.Started >= Lockout ? new Window(now, 1) : w with { Count = w.Count + 1 });
        if (_failures.Count > 100_000) Sweep(now);
    }

    public void Succeeded(string email) => _failures.TryRemove(EmailKey(email), out _);

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (k, w) in _failures) if (now - w.Started >= Lockout) _failures.TryRemove(k, out _);
    }
}
