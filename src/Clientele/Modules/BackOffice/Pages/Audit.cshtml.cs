using Clientele.Platform.Database;

namespace Clientele.Modules.BackOffice.Pages;

/// <summary>/admin/audit: the newest 200 entries of admin_audit_logs (admin and super_admin).</summary>
public sealed class StaffAuditModel(AppDataSource db) : StaffPage
{
    public sealed record Entry(DateTime At, string Staff, string Action, string? ResourceType, Guid? ResourceId, string Ip, string? Details);
    public List<Entry> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Require(StaffPermission.ViewAudit);
        await using var cmd = db.DataSource.CreateCommand("""
            SELECT l.created_at, a.full_name, l.action_type, l.resource_type, l.resource_id, host(l.ip_address), l.details::text
            FROM admin_audit_logs l JOIN admin_users a ON a.id = l.admin_user_id
            ORDER BY l.created_at DESC, l.id DESC LIMIT 200
            """);
        await using var r = await cmd.ExecuteReaderAsync(Aborted);
        while (await r.ReadAsync(Aborted))
            Rows.Add(new Entry(r.GetDateTime(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetGuid(4), r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6)));
    }
}
