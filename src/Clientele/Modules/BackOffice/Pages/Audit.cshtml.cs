using Clientele.Platform.Database;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.BackOffice.Pages;

/// <summary>
/// /admin/audit (admin and super_admin): admin_audit_logs newest first, <see cref="PageSize"/> a page.
/// Paging is by key (?before=the last entry's id): entries only ever get added, so a page never
/// shifts under the reader the way an offset would. ?action= narrows to one action (staff.signed_in ...).
/// </summary>
public sealed class StaffAuditModel(AppDataSource db) : StaffPage
{
    public const int PageSize = 50;
    public sealed record Entry(Guid Id, DateTime At, string Staff, string Action, string? ResourceType, Guid? ResourceId, string Ip, string? Details);
    public List<Entry> Rows { get; private set; } = [];
    [FromQuery(Name = "before")] public Guid? Before { get; set; }
    [FromQuery(Name = "action")] public string? ActionFilter { get; set; }
    /// <summary>The id the "Older" link continues from, when there are older entries.</summary>
    public Guid? Next { get; private set; }
    public List<string> Actions { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Require(StaffPermission.ViewAudit);
        ActionFilter = string.IsNullOrWhiteSpace(ActionFilter) ? null : ActionFilter.Trim();
        await using (var cmd = db.DataSource.CreateCommand("""
            SELECT l.id, l.created_at, a.full_name, l.action_type, l.resource_type, l.resource_id, host(l.ip_address), l.details::text
            FROM admin_audit_logs l JOIN admin_users a ON a.id = l.admin_user_id
            WHERE ($1::text IS NULL OR l.action_type = $1)
              AND ($2::uuid IS NULL OR (l.created_at, l.id) < (SELECT b.created_at, b.id FROM admin_audit_logs b WHERE b.id = $2))
            ORDER BY l.created_at DESC, l.id DESC LIMIT $3
            """))
        {
            cmd.Parameters.Add(SqlArg.Text(ActionFilter));
            cmd.Parameters.Add(SqlArg.Uuid(Before));
            cmd.Parameters.AddWithValue(PageSize + 1);
            await using var r = await cmd.ExecuteReaderAsync(Aborted);
            while (await r.ReadAsync(Aborted))
                Rows.Add(new Entry(r.GetGuid(0), r.GetDateTime(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                    r.IsDBNull(5) ? null : r.GetGuid(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7)));
        }
        if (Rows.Count > PageSize)
        {
            Rows.RemoveAt(PageSize);
            Next = Rows[^1].Id;
        }
        await using var actions = db.DataSource.CreateCommand("SELECT DISTINCT action_type FROM admin_audit_logs ORDER BY 1");
        await using var a = await actions.ExecuteReaderAsync(Aborted);
        while (await a.ReadAsync(Aborted)) Actions.Add(a.GetString(0));
    }

    /// <summary>A link to this page keeping the filter.</summary>
    public string Link(Guid? before) =>
        "/admin/audit" + QueryString.Create(new Dictionary<string, string?> { ["action"] = ActionFilter, ["before"] = before?.ToString() }
            .Where(p => p.Value is not null)).ToUriComponent();
}
