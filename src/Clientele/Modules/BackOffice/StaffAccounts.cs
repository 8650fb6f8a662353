using System.Net;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.BackOffice;

/// <summary>
/// Creates platform staff (CLI create-admin). Runs on the owner connection: the app role that
/// serves requests cannot add staff. The TOTP secret is generated here and shown once.
/// </summary>
public static class StaffAccounts
{
    public sealed record Created(Guid Id, string Secret, string OtpAuthUri);

    public static IReadOnlyList<string> Validate(string email, string name, string role, string password)
    {
        var errors = new List<string>();
        if (!email.Contains('@', StringComparison.Ordinal) || email.Length > 255) errors.Add("--email must be an email address.");
        if (string.IsNullOrWhiteSpace(name) || name.Length > 255) errors.Add("--name must be 1 to 255 characters.");
        if (!StaffRoles.All.Contains(role)) errors.Add($"--role must be one of {string.Join(", ", StaffRoles.All)}.");
        if (password.Length is < 12 or > 200) errors.Add("--password must be 12 to 200 characters.");
        return errors;
    }

    public static async Task<Created> CreateAsync(DatabaseSettings settings, StaffTwoFactor twoFactor, string email, string name, string role, string password, CancellationToken ct)
    {
        if (Validate(email, name, role, password) is { Count: > 0 } errors) throw new ArgumentException(string.Join(" ", errors));
        var id = Guid.CreateVersion7();
        var enrolment = twoFactor.NewEnrolment(email.Trim());
        await using var conn = new NpgsqlConnection(settings.OwnerConnectionString);
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM admin_users WHERE lower(email) = lower($1)", conn, tx))
        {
            exists.Parameters.AddWithValue(email.Trim());
            if (await exists.ExecuteScalarAsync(ct) is not null) throw new InvalidOperationException($"A staff member with the email {email.Trim()} exists already.");
        }
        await using (var cmd = new NpgsqlCommand(
            "INSERT INTO admin_users (id, email, password_hash, full_name, admin_role, totp_secret) VALUES ($1, $2, $3, $4, $5, $6)", conn, tx))
        {
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue(email.Trim());
            cmd.Parameters.AddWithValue(StaffSignIn.Hasher.HashPassword(new object(), password));
            cmd.Parameters.AddWithValue(name.Trim());
            cmd.Parameters.AddWithValue(role);
            cmd.Parameters.AddWithValue(enrolment.ProtectedSecret);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await StaffAudit.WriteAsync(conn, tx, id, IPAddress.Loopback, "staff.created", "admin_users", id,
            new JsonObject { ["via"] = "cli", ["role"] = role, ["email"] = email.Trim() }, ct);
        await tx.CommitAsync(ct);
        return new Created(id, enrolment.Secret, enrolment.OtpAuthUri);
    }
}
