using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using NpgsqlTypes;

namespace Clientele.Modules.BackOffice;

/// <summary>
/// Staff sign-in: email, password and a TOTP code, all three or nothing. Unknown emails cost a full
/// password verification too, failures count towards the same per-account lockout as tenant sign-ins
/// (under a key of their own), and every attempt on a real staff account is in admin_audit_logs.
/// </summary>
public sealed class StaffSignIn(AppDataSource db, StaffTwoFactor twoFactor, IConfiguration config, TimeProvider clock)
{
    public enum Outcome { SignedIn, Wrong, LockedOut, NoTwoFactor }

    internal static readonly PasswordHasher<object> Hasher = new();
    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(new object(), RandomNumberGenerator.GetHexString(32)));

    public async Task<(Outcome Outcome, TimeSpan? RetryAfter)> SignInAsync(HttpContext ctx, string email, string password, string? code)
    {
        var ct = ctx.RequestAborted;
        var ip = StaffAudit.Normalize(ctx.Connection.RemoteIpAddress ?? IPAddress.None);
        var key = SHA256.HashData(Encoding.UTF8.GetBytes("staff:" + email.Trim().ToLowerInvariant()));
        await using (var locked = db.DataSource.CreateCommand("SELECT clientele_login_locked_until($1)"))
        {
            locked.Parameters.Add(new Npgsql.NpgsqlParameter { Value = key, NpgsqlDbType = NpgsqlDbType.Bytea });
            if (await locked.ExecuteScalarAsync(ct) is DateTime until)
            {
                var left = DateTime.SpecifyKind(until, DateTimeKind.Utc) - clock.GetUtcNow().UtcDateTime;
                return (Outcome.LockedOut, left > TimeSpan.Zero ? left : TimeSpan.FromSeconds(1));
            }
        }
        (Guid Id, string Email, string Hash, string Name, string Role, bool Active, string? Secret, long? LastStep)? row = null;
        await using (var cmd = db.DataSource.CreateCommand(
            "SELECT id, email, password_hash, full_name, admin_role, is_active, totp_secret, totp_last_step FROM admin_users WHERE lower(email) = lower($1)"))
        {
            cmd.Parameters.AddWithValue(email.Trim());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct))
                row = (r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetBoolean(5),
                    r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetInt64(7));
        }
        var passwordOk = Hasher.VerifyHashedPassword(new object(), row?.Hash ?? DummyHash.Value, password) != PasswordVerificationResult.Failed;
        string? failure = row is null ? null : !passwordOk ? "password" : !row.Value.Active ? "inactive" : row.Value.Secret is null ? "no_two_factor" : null;
        long? step = null;
        if (row is { } found && failure is null)
        {
            step = twoFactor.Verify(found.Secret!, code, found.LastStep);
            if (step is null) failure = "code";
        }
        if (row is { } staff && failure is null)
        {
            await using var conn = await db.DataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            // The step is recorded atomically: two sign-ins racing with one code cannot both pass.
            await using (var upd = new Npgsql.NpgsqlCommand(
                "UPDATE admin_users SET last_login_at = now(), totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)", conn, tx))
            {
                upd.Parameters.AddWithValue(staff.Id);
                upd.Parameters.AddWithValue(step!.Value);
                if (await upd.ExecuteNonQueryAsync(ct) == 1)
                {
                    await StaffAudit.WriteAsync(conn, tx, staff.Id, ip, "staff.signed_in", "admin_users", staff.Id, null, ct);
                    await tx.CommitAsync(ct);
                    await using var ok = db.DataSource.CreateCommand("SELECT clientele_login_succeeded($1)");
                    ok.Parameters.Add(new Npgsql.NpgsqlParameter { Value = key, NpgsqlDbType = NpgsqlDbType.Bytea });
                    await ok.ExecuteNonQueryAsync(ct);
                    await ctx.SignInAsync(StaffAuthentication.Scheme, StaffMember.Principal(staff.Id, staff.Email, staff.Name, staff.Role),
                        new AuthenticationProperties { IsPersistent = false });
                    return (Outcome.SignedIn, null);
                }
            }
            failure = "code";
        }
        await using (var failed = db.DataSource.CreateCommand("SELECT clientele_login_failed($1, $2, $3, $4)"))
        {
            failed.Parameters.Add(new Npgsql.NpgsqlParameter { Value = key, NpgsqlDbType = NpgsqlDbType.Bytea });
            failed.Parameters.AddWithValue(config.GetValue("Auth:LockoutThreshold", 5));
            failed.Parameters.AddWithValue(config.GetValue("Auth:LockoutBaseSeconds", 30));
            failed.Parameters.AddWithValue(config.GetValue("Auth:LockoutMaxSeconds", 900));
            await failed.ExecuteNonQueryAsync(ct);
        }
        if (row is { } known)
        {
            await using var conn = await db.DataSource.OpenConnectionAsync(ct);
            await StaffAudit.WriteAsync(conn, null, known.Id, ip, "staff.sign_in_failed", "admin_users", known.Id, new JsonObject { ["reason"] = failure }, ct);
        }
        return (failure == "no_two_factor" ? Outcome.NoTwoFactor : Outcome.Wrong, null);
    }

    public async Task SignOutAsync(HttpContext ctx, StaffMember staff)
    {
        await using (var conn = await db.DataSource.OpenConnectionAsync(ctx.RequestAborted))
            await StaffAudit.WriteAsync(conn, null, staff.Id, staff.Ip, "staff.signed_out", "admin_users", staff.Id, null, ctx.RequestAborted);
        await ctx.SignOutAsync(StaffAuthentication.Scheme);
    }
}
