namespace Clientele.Modules.BackOffice;

/// <summary>The staff's view of organizations: plan, limits and use (clientele_staff_organizations).</summary>
public sealed class OrganizationDirectory(StaffData data)
{
    public sealed record Row(Guid Id, string Name, string? Email, string Plan, string PlanStatus, DateTime CreatedAt,
        DateTime? SuspendedAt, string? SuspendedReason, int? MaxUsers, int? MaxAgents, int? MaxMessages,
        long Users, long Agents, long MessagesThisMonth, long OpenTickets, long WaitingWebhooks);

    public async Task<List<Row>> SearchAsync(StaffMember staff, string? search, int limit, CancellationToken ct)
    {
        await using var tx = await data.BeginAsync(staff, ct);
        return await tx.QueryAsync("SELECT * FROM clientele_staff_organizations($1, $2)",
            [Platform.Database.SqlArg.Text(string.IsNullOrWhiteSpace(search) ? null : search.Trim()), limit], Map, ct);
    }

    public async Task<Row?> FindAsync(StaffMember staff, Guid id, CancellationToken ct) =>
        (await SearchAsync(staff, id.ToString(), 1, ct)).FirstOrDefault(r => r.Id == id);

    private static Row Map(Npgsql.NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4), r.GetDateTime(5),
        r.IsDBNull(6) ? null : r.GetDateTime(6), r.IsDBNull(7) ? null : r.GetString(7),
        r.IsDBNull(8) ? null : r.GetInt32(8), r.IsDBNull(9) ? null : r.GetInt32(9), r.IsDBNull(10) ? null : r.GetInt32(10),
        r.GetInt64(11), r.GetInt64(12), r.GetInt64(13), r.GetInt64(14), r.GetInt64(15));
}
