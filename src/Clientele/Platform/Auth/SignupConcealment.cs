using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Clientele.Platform.Auth;

/// <summary>Told when someone signs up with the email of an existing account (e.g. to email its owner).</summary>
public interface IExistingAccountNotifier
{
    Task SignupAttemptedAsync(Guid userId, Guid organizationId, string email, string? ipAddress, CancellationToken ct);
}

/// <summary>
/// Signup with an email that already has an account must not tell a stranger so (issue 8 item 5).
/// With Signup:ExistingEmail = conceal (the default) the answer is a 201 of the same shape as a
/// real signup (fresh ids, a key that authenticates nothing), after the same password-hashing work,
/// and every registered <see cref="IExistingAccountNotifier"/> is told (the log always is).
/// With reveal, the answer is 409 as before. docs/security.md "Account enumeration".
/// </summary>
public sealed class SignupConcealment(AppDataSource db, Resources.ResourceRegistry registry, IConfiguration config, IServiceProvider services, TimeProvider clock, ILogger<SignupConcealment> log)
{
    public bool Conceal => !string.Equals(config["Signup:ExistingEmail"], "reveal", StringComparison.OrdinalIgnoreCase);

    /// <summary>The decoy answer when the email is taken and concealment is on; null to go ahead (the database still refuses duplicates with 409).</summary>
    public async Task<JsonObject?> ExistingAccountAsync(HttpContext ctx, string organizationName, string ownerName, string email, string password)
    {
        if (!Conceal) return null;
        Guid userId, orgId;
        await using (var cmd = db.DataSource.CreateCommand("SELECT user_id, organization_id FROM clientele_find_login($1)"))
        {
            cmd.Parameters.AddWithValue(email);
            await using var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted);
            if (!await r.ReadAsync(ctx.RequestAborted)) return null;
            userId = r.GetGuid(0);
            orgId = r.GetGuid(1);
        }
        _ = SessionService.HashPassword(Guid.Empty, password); // the same work as a real signup
        log.LogInformation("Signup attempted with the email of existing user {UserId} (organization {OrganizationId}); answered with a decoy", userId, orgId);
        foreach (var n in services.GetServices<IExistingAccountNotifier>())
        {
            try { await n.SignupAttemptedAsync(userId, orgId, email, ctx.Connection.RemoteIpAddress?.ToString(), ctx.RequestAborted); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning(e, "Could not notify the owner of {UserId} about a signup attempt", userId); }
        }
        return Decoy(organizationName, ownerName, email);
    }

    private JsonObject Decoy(string organizationName, string ownerName, string email)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var orgId = Guid.CreateVersion7();
        var userId = Guid.CreateVersion7();
        var key = ApiKeyMaterial.NewKey();
        return new JsonObject
        {
            ["organization"] = new JsonObject
            {
                ["id"] = orgId, ["name"] = organizationName, ["subdomain"] = null, ["plan"] = "free", ["plan_status"] = "trialing", ["email"] = email,
                ["company_name"] = organizationName, ["max_users"] = 10, ["max_agents"] = 5, ["max_messages"] = 10000, ["max_storage"] = 1073741824L, // the trial allowance (migration 0041)
                ["created_at"] = now, ["updated_at"] = now,
            },
            ["user"] = DecoyUser(userId, orgId, email, ownerName, now),
            ["api_key"] = new JsonObject
            {
                ["id"] = Guid.CreateVersion7(), ["name"] = "Default key", ["prefix"] = ApiKeyMaterial.DisplayPrefix(key),
                ["scopes"] = new JsonArray("read", "write", "admin"), ["user_id"] = userId, ["expires_at"] = null, ["last_used_at"] = null,
                ["revoked_at"] = null, ["created_at"] = now, ["key"] = key,
            },
        };
    }

    /// <summary>Every output column of users, in order, as a fresh owner row would have them.</summary>
    private JsonObject DecoyUser(Guid userId, Guid orgId, string email, string ownerName, DateTime now)
    {
        var parts = ownerName.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        var known = new Dictionary<string, JsonNode?>
        {
            ["id"] = userId, ["organization_id"] = orgId, ["email"] = email, ["name"] = ownerName,
            ["first_name"] = parts.Length > 0 ? parts[0] : ownerName, ["last_name"] = parts.Length > 1 ? parts[1] : null, ["role"] = "owner",
            ["is_active"] = true, ["preferences"] = new JsonObject(), ["created_at"] = now, ["updated_at"] = now, ["created_by"] = userId, ["updated_by"] = userId,
        };
        var user = new JsonObject();
        foreach (var c in registry.Find("users")!.Output) user[c.Name] = known.TryGetValue(c.Name, out var v) ? v?.DeepClone() : null;
        return user;
    }
}
