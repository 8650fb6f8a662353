using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Clientele.Platform.Database;

/// <summary>
/// The two connections of the platform: the owner (migrations, CLI) and the app role
/// (every request; owns nothing, NOBYPASSRLS). The app role's password is derived from the
/// owner connection so that every node computes the same one without another secret.
/// </summary>
public sealed class DatabaseSettings
{
    public const string AppRole = "clientele_app";

    public DatabaseSettings(string ownerConnectionString, string? appConnectionString = null)
    {
        OwnerConnectionString = ownerConnectionString;
        var owner = new NpgsqlConnectionStringBuilder(ownerConnectionString);
        if (appConnectionString is not null)
        {
            AppConnectionString = appConnectionString;
            ManagesAppRolePassword = false;
        }
        else
        {
            var app = new NpgsqlConnectionStringBuilder(ownerConnectionString)
            {
                Username = AppRole,
                Password = DeriveAppPassword(owner),
                MaxPoolSize = Math.Max(owner.MaxPoolSize, 100),
            };
            AppConnectionString = app.ConnectionString;
            ManagesAppRolePassword = true;
        }
    }

    public string OwnerConnectionString { get; }
    public string AppConnectionString { get; }
    public bool ManagesAppRolePassword { get; }
    public string AppRolePassword => new NpgsqlConnectionStringBuilder(AppConnectionString).Password ?? "";

    private static string DeriveAppPassword(NpgsqlConnectionStringBuilder owner)
    {
        var key = Encoding.UTF8.GetBytes(owner.Password ?? "clientele");
        var data = Encoding.UTF8.GetBytes($"{owner.Host}|{owner.Port}|{owner.Username}|clientele_app");
        return Convert.ToHexString(HMACSHA256.HashData(key, data)).ToLowerInvariant();
    }
}
