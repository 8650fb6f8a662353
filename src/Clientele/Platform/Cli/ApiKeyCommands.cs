using Clientele.Platform.Auth;
using Clientele.Platform.Database;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Platform.Cli;

/// <summary>API keys made by operators (CLI, demo seeding) rather than through the API.</summary>
public static class ApiKeyCommands
{
    public static async Task<string> CreateAsync(IServiceProvider sp, Guid organizationId, string name, string[] scopes, CancellationToken ct)
    {
        var key = ApiKeyMaterial.NewKey();
        var tenant = new TenantContext { OrganizationId = organizationId, ActorType = "system", Role = Roles.Owner };
        await using var s = sp.GetRequiredService<TenantSessions>().Open(tenant);
        await using (var check = await s.CommandAsync("SELECT 1 FROM organizations WHERE id = $1", ct))
        {
            check.Parameters.AddWithValue(organizationId);
            if (await check.ExecuteScalarAsync(ct) is null) throw new InvalidOperationException($"No organization {organizationId}.");
        }
        await using (var cmd = await s.CommandAsync(
            "INSERT INTO api_keys (id, organization_id, name, prefix, key_hash, scopes) VALUES ($1, $2, $3, $4, $5, $6)", ct))
        {
            cmd.Parameters.AddWithValue(Guid.CreateVersion7());
            cmd.Parameters.AddWithValue(organizationId);
            cmd.Parameters.AddWithValue(name);
            cmd.Parameters.AddWithValue(ApiKeyMaterial.DisplayPrefix(key));
            cmd.Parameters.AddWithValue(ApiKeyMaterial.Hash(key));
            cmd.Parameters.AddWithValue(scopes);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await s.CommitAsync(ct);
        return key;
    }
}
