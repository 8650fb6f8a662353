using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Platform.WebConsole;

/// <summary>What the layout shows around every page: who is signed in, in which organization.</summary>
public sealed class ConsoleChrome(TenantContext tenant, TenantSessions sessions)
{
    public sealed record Who(string Name, string Email, string Organization, string Role);

    private Who? _who;

    /// <summary>A person is signed in (the bell is theirs).</summary>
    public bool HasUser => tenant.IsSet && tenant.UserId is not null;

    public async Task<Who> WhoAsync(CancellationToken ct)
    {
        if (_who is not null) return _who;
        if (!tenant.IsSet) return _who = new Who("", "", "", tenant.Role);
        await using var s = sessions.Open(tenant);
        await using var r = await s.ReadAsync("""
            SELECT coalesce(u.name, u.email, ''), coalesce(u.email, ''), o.name
            FROM organizations o LEFT JOIN users u ON u.organization_id = o.id AND u.id = $2
            WHERE o.id = $1
            """, [new NpgsqlParameter { Value = tenant.OrganizationId }, new NpgsqlParameter { Value = (object?)tenant.UserId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid }], ct);
        return _who = await r.ReadAsync(ct)
            ? new Who(r.GetString(0), r.GetString(1), r.GetString(2), tenant.Role)
            : new Who("", "", "", tenant.Role);
    }

    /// <summary>The bell's first count (the stream keeps it current): the user's unread, unarchived notifications.</summary>
    public Guid OrganizationId => tenant.OrganizationId;

    /// <summary>The organizations of the signed-in login (the top bar's switcher shows them when there are two or more).</summary>
    public async Task<IReadOnlyList<Clientele.Platform.Auth.OrganizationSwitch.Membership>> OrganizationsAsync(CancellationToken ct)
    {
        if (!HasUser) return [];
        await using var s = sessions.Open(tenant);
        return await Clientele.Platform.Auth.OrganizationSwitch.ListAsync(s, tenant.UserId!.Value, ct);
    }

    public async Task<long> UnreadNotificationsAsync(CancellationToken ct)
    {
        if (!tenant.IsSet || tenant.UserId is not { } user) return 0;
        await using var s = sessions.Open(tenant);
        return await s.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE organization_id = $1 AND user_id = $2 AND NOT is_read AND NOT is_archived",
            [tenant.OrganizationId, user], ct);
    }
}
