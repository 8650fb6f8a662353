using System.Net;
using Clientele.Modules.Email;
using Clientele.Modules.Team.Invitations;
using Clientele.Platform.Audit;
using Clientele.Platform.Auth;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Clientele.Modules.Team.Passwords;

/// <summary>
/// Password reset by email: /password/forgot asks for an address and always answers the same (no
/// hint whether an account exists); an active account gets a link that works once within one hour.
/// /password/reset/{token} sets the new password, which ends every session of the user (the users
/// trigger of migration 0028) and marks all of their open links used.
/// </summary>
public sealed class PasswordReset(AppDataSource db, TenantSessions sessions, SmtpRelay relay, ILogger<PasswordReset> log)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    /// <summary>Open links per account and hour beyond which asking again sends nothing (mail-bombing someone).</summary>
    public const int MaxOpenPerHour = 5;

    public async Task RequestAsync(string email, string linkBase, string? ip, CancellationToken ct)
    {
        Guid userId, orgId;
        await using (var cmd = db.DataSource.CreateCommand("SELECT user_id, organization_id FROM clientele_find_login($1) WHERE is_active"))
        {
            cmd.Parameters.AddWithValue(email.Trim());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return;
            (userId, orgId) = (r.GetGuid(0), r.GetGuid(1));
        }
        await using var s = sessions.Open(new TenantContext { OrganizationId = orgId, UserId = userId, ActorType = "user", IpAddress = ip, Role = Roles.Viewer });
        await s.BeginAsync(ct);
        var recent = await s.ScalarAsync<long>("SELECT count(*) FROM password_reset_tokens WHERE organization_id = $1 AND user_id = $2 AND created_at > now() - interval '1 hour'",
            [orgId, userId], ct);
        if (recent >= MaxOpenPerHour) return;
        var (token, hash) = InvitationTokens.New();
        var expires = DateTime.UtcNow + Lifetime;
        await s.ExecuteAsync("INSERT INTO password_reset_tokens (id, organization_id, user_id, token_hash, expires_at, ip_address) VALUES ($1, $2, $3, $4, $5, $6)",
            [Guid.CreateVersion7(), orgId, userId, hash, expires, SqlArg.Text(ip)], ct);
        var to = await s.QueryFirstAsync("SELECT email, name FROM users WHERE organization_id = $1 AND id = $2", [orgId, userId],
            r => new MailboxAddress(r.IsDBNull(1) ? null : r.GetString(1), r.GetString(0)), ct)!;
        var link = $"{linkBase.TrimEnd('/')}/password/reset/{token}";
        var message = SmtpRelay.Compose(to!, "Reset your Clientele password",
            $"Someone (hopefully you) asked to reset the password of {to!.Address}.\n\nSet a new password: {link}\n\nThe link works once within one hour. If you did not ask, ignore this email: your password stays as it is.",
            $"<p>Someone (hopefully you) asked to reset the password of {WebUtility.HtmlEncode(to.Address)}.</p><p><a href=\"{WebUtility.HtmlEncode(link)}\">Set a new password</a></p><p style=\"color:#555\">The link works once within one hour. If you did not ask, ignore this email: your password stays as it is.</p>");
        try
        {
            await relay.SendAsync(message, ct);
        }
        catch (MailRelayException e)
        {
            // The page answers the same whether or not the account exists, so the failure goes to the log only.
            log.LogError(e, "The password reset email for user {UserId} was not sent", userId);
            return;
        }
        await s.CommitAsync(ct);
    }

    /// <summary>The user behind a working link; null when the link is unknown, used or expired (the page says so).</summary>
    public async Task<(Guid ResetId, Guid OrganizationId, Guid UserId)?> FindAsync(string? token, CancellationToken ct)
    {
        if (!InvitationTokens.LooksValid(token)) return null;
        await using var cmd = db.DataSource.CreateCommand("SELECT reset_id, organization_id, user_id FROM clientele_find_password_reset($1) WHERE used_at IS NULL AND expires_at > now()");
        cmd.Parameters.AddWithValue(InvitationTokens.Hash(token!));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.GetGuid(0), r.GetGuid(1), r.GetGuid(2)) : null;
    }

    /// <summary>Sets the new password; false when the link stopped working meanwhile (used in another tab, expired).</summary>
    public async Task<bool> ResetAsync(string? token, string? password, string? ip, CancellationToken ct)
    {
        if (UsersApi.PasswordProblem(password) is { } weak) throw ProblemException.Validation("password", "The password " + weak + ".");
        if (await FindAsync(token, ct) is not { } found) return false;
        await using var s = sessions.Open(new TenantContext { OrganizationId = found.OrganizationId, UserId = found.UserId, ActorType = "user", IpAddress = ip, Role = Roles.Viewer });
        await s.BeginAsync(ct);
        var open = await s.ScalarAsync<bool>("SELECT used_at IS NULL AND expires_at > now() FROM password_reset_tokens WHERE organization_id = $1 AND id = $2 FOR UPDATE",
            [found.OrganizationId, found.ResetId], ct);
        if (!open) return false;
        await s.ExecuteAsync("UPDATE users SET password_hash = $3, updated_by = $2 WHERE organization_id = $1 AND id = $2 AND is_active AND deleted_at IS NULL",
            [found.OrganizationId, found.UserId, SessionService.HashPassword(found.UserId, password!)], ct);
        await s.ExecuteAsync("UPDATE password_reset_tokens SET used_at = now() WHERE organization_id = $1 AND user_id = $2 AND used_at IS NULL", [found.OrganizationId, found.UserId], ct);
        await AuditWriter.WriteAsync(s, "users", found.UserId, "update", new System.Text.Json.Nodes.JsonObject { ["after"] = new System.Text.Json.Nodes.JsonObject { ["password"] = "reset by email link" } }, ct);
        await ActivityFeed.WriteAsync(s, "user.password_reset", "users", found.UserId, null, null, ct);
        await s.CommitAsync(ct);
        return true;
    }
}
