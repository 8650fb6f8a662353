using Clientele.Platform.Audit;
using Clientele.Platform.Http;
using Clientele.Platform.Errors;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Clientele.Platform.Tenancy.Pages;

/// <summary>/app/settings: the organization's profile (admins edit it), its plan limits and its message credits.</summary>
public sealed class SettingsModel : ConsolePage
{
    public sealed record Profile(string Name, string? Email, string? CompanyName, string Plan, string PlanStatus, int? MaxUsers, int? MaxAgents, int? MaxMessages,
        long Users, long Agents, int? CreditsRemaining, int? CreditsUsed, DateTime? CreditsUpdated);

    public Profile Org { get; private set; } = null!;
    public string? Flash { get; private set; }

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? CompanyName { get; set; }

    public async Task OnGetAsync()
    {
        Flash = TempData["flash"] as string;
        await LoadAsync();
        (Name, Email, CompanyName) = (Org.Name, Org.Email, Org.CompanyName);
    }

    public async Task<IActionResult> OnPostProfileAsync()
    {
        RequireAdmin();
        var name = Name?.Trim();
        var email = Email?.Trim();
        var company = CompanyName?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 255) ModelState.AddModelError(nameof(Name), "The name is required (1 to 255 characters).");
        if (!string.IsNullOrEmpty(email) && (!Validation.IsEmail(email) || email.Length > 255)) ModelState.AddModelError(nameof(Email), "Enter a valid email address, or leave it empty.");
        if (company is { Length: > 255 }) ModelState.AddModelError(nameof(CompanyName), "The company name is at most 255 characters.");
        if (!ModelState.IsValid)
        {
            Response.StatusCode = 422;
            await LoadAsync();
            return Page();
        }
        await using (var s = OpenSession())
        {
            await using (var cmd = await s.CommandAsync("""
                UPDATE organizations SET name = $2, email = $3, company_name = $4, updated_by = $5 WHERE id = $1
                """, Aborted))
            {
                cmd.Parameters.AddWithValue(Tenant.OrganizationId);
                cmd.Parameters.AddWithValue(name!);
                cmd.Parameters.Add(new NpgsqlParameter { Value = string.IsNullOrEmpty(email) ? DBNull.Value : email, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar });
                cmd.Parameters.Add(new NpgsqlParameter { Value = string.IsNullOrEmpty(company) ? DBNull.Value : company, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar });
                cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)Tenant.ActorId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
                await cmd.ExecuteNonQueryAsync(Aborted);
            }
            await AuditWriter.WriteAsync(s, "organizations", Tenant.OrganizationId, "update", new System.Text.Json.Nodes.JsonObject
            {
                ["after"] = new System.Text.Json.Nodes.JsonObject { ["name"] = name, ["email"] = email, ["company_name"] = company },
            }, Aborted);
            await s.CommitAsync(Aborted);
        }
        TempData["flash"] = "Organization saved.";
        return Redirect("/app/settings");
    }

    private async Task LoadAsync()
    {
        await using var s = OpenSession();
        await using var r = await s.ReadAsync("""
            SELECT o.name, o.email, o.company_name, o.plan, o.plan_status, o.max_users, o.max_agents, o.max_messages,
                   (SELECT count(*) FROM users u WHERE u.organization_id = o.id AND u.deleted_at IS NULL AND u.is_active),
                   (SELECT count(*) FROM agents a WHERE a.organization_id = o.id AND a.is_active),
                   mc.remaining_credits, mc.total_used, mc.last_updated
            FROM organizations o LEFT JOIN message_credits mc ON mc.organization_id = o.id
            WHERE o.id = $1
            """, [new NpgsqlParameter { Value = Tenant.OrganizationId }], Aborted);
        if (!await r.ReadAsync(Aborted)) throw ProblemException.NotFound("The organization does not exist.");
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        int? I(int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
        Org = new Profile(r.GetString(0), S(1), S(2), r.GetString(3), r.GetString(4), I(5), I(6), I(7), r.GetInt64(8), r.GetInt64(9), I(10), I(11),
            r.IsDBNull(12) ? null : DateTime.SpecifyKind(r.GetDateTime(12), DateTimeKind.Utc));
    }
}
