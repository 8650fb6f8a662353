using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bogus;
using Clientele.Platform.Auth;
using Clientele.Platform.Database;
using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Platform.Demo;

/// <summary>
/// The demo organization a newcomer lands in: a team and realistic customers (Bogus, fixed seed),
/// created once. Its credentials are kept in $CLIENTELE_HOME/demo-credentials.json (mode 600)
/// so that later starts can print them again.
/// </summary>
public static class DemoSeeder
{
    public const string DemoEmail = "demo@clientele.dev";

    public sealed record Credentials(Guid OrganizationId, string Email, string? Password, string? ApiKey, bool CreatedNow)
    {
        public string Describe() =>
            $"  Demo login: {Email} / {Password ?? "(set when the demo was created; see demo-credentials.json)"}\n" +
            $"  API key:    {ApiKey ?? "(run `dotnet run --project src/Clientele -- create-api-key --organization " + OrganizationId + "`)"}";
    }

    public static async Task<Credentials> EnsureAsync(IServiceProvider sp, CancellationToken ct)
    {
        var app = sp.GetRequiredService<AppDataSource>();
        var config = sp.GetRequiredService<IConfiguration>();
        var home = config["CLIENTELE_HOME"] ?? Environment.GetEnvironmentVariable("CLIENTELE_HOME") ?? ".clientele";
        var file = Path.Combine(home, "demo-credentials.json");

        await using (var find = app.DataSource.CreateCommand("SELECT organization_id FROM clientele_find_login($1)"))
        {
            find.Parameters.AddWithValue(DemoEmail);
            if (await find.ExecuteScalarAsync(ct) is Guid existing)
            {
                if (File.Exists(file) && JsonSerializer.Deserialize<Credentials>(await File.ReadAllTextAsync(file, ct)) is { } saved && saved.OrganizationId == existing)
                    return saved with { CreatedNow = false };
                return new Credentials(existing, DemoEmail, null, null, false);
            }
        }

        var password = "demo-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        var created = await AuthApi.CreateOrganizationAsync(app, sp.GetRequiredService<DbModel>(), sp.GetRequiredService<ResourceRegistry>(), sp.GetRequiredService<ResourceStore>(),
            new TenantContext { ActorType = "system" }, "Northwind Demo", "Dana Demo", DemoEmail, password, ct);
        var orgId = Guid.Parse(created["organization"]!["id"]!.ToString().Trim('"'));
        var key = created["api_key"]!["key"]!.ToString();
        var ownerId = Guid.Parse(created["user"]!["id"]!.ToString().Trim('"'));
        await FillAsync(sp, orgId, ownerId, ct);

        var credentials = new Credentials(orgId, DemoEmail, password, key, true);
        Directory.CreateDirectory(home);
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(credentials), ct);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return credentials;
    }

    /// <summary>Fills an organization with a team and customers through the resource store (so every row is valid and audited).</summary>
    public static async Task FillAsync(IServiceProvider sp, Guid orgId, Guid ownerId, CancellationToken ct)
    {
        var registry = sp.GetRequiredService<ResourceRegistry>();
        var store = sp.GetRequiredService<ResourceStore>();
        var tenant = new TenantContext { OrganizationId = orgId, UserId = ownerId, Role = Roles.Owner, ActorType = "system" };
        var sessions = sp.GetRequiredService<TenantSessions>();
        var faker = new Faker("en") { Random = new Randomizer(20261122) };

        async Task<Guid> Create(string table, JsonObject body)
        {
            await using var s = sessions.Open(tenant);
            var r = await store.CreateAsync(s, registry.Find(table)!, JsonDocument.Parse(body.ToJsonString()).RootElement, ct);
            return r.Id!.Value;
        }

        var csms = new List<Guid>();
        foreach (var (first, last, role, dept, title) in new[]
                 {
                     ("Maya", "Lopez", "admin", "success", "Head of Customer Success"), ("Sam", "Okafor", "member", "success", "Customer Success Manager"),
                     ("Priya", "Natarajan", "member", "success", "Customer Success Manager"), ("Jonas", "Berg", "member", "sales", "Account Executive"),
                     ("Lea", "Martin", "member", "support", "Support Lead"), ("Tom", "Reed", "viewer", "finance", "Finance Analyst"),
                 })
        {
            var id = await Create("users", new JsonObject
            {
                ["email"] = $"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}@northwind-demo.dev", ["name"] = $"{first} {last}",
                ["first_name"] = first, ["last_name"] = last, ["role"] = role, ["department"] = dept, ["job_title"] = title,
            });
            if (dept == "success") csms.Add(id);
        }

        string[] plans = ["free", "basic", "premium", "enterprise"];
        string[] stages = ["prospect", "onboarding", "active", "active", "active", "at_risk", "churned"];
        string[] industries = ["SaaS", "Retail", "Healthcare", "Fintech", "Logistics", "Education", "Manufacturing", "Media"];
        string[] sources = ["website", "referral", "whatsapp", "instagram", "outbound", "partner", "event"];
        string[] segments = ["smb", "mid_market", "enterprise"];
        (string Country, string Tz, string Lang)[] places = [("US", "America/New_York", "en"), ("GB", "Europe/London", "en"), ("DE", "Europe/Berlin", "de"),
            ("BR", "America/Sao_Paulo", "pt"), ("ES", "Europe/Madrid", "es"), ("IN", "Asia/Kolkata", "en"), ("FR", "Europe/Paris", "fr")];
        for (var i = 0; i < 60; i++)
        {
            var company = faker.Company.CompanyName();
            var domain = new string(company.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());
            var plan = faker.PickRandom(plans);
            var size = plan switch { "enterprise" => faker.Random.Int(500, 20000), "premium" => faker.Random.Int(50, 800), "basic" => faker.Random.Int(5, 120), _ => faker.Random.Int(1, 15) };
            var mrr = plan switch { "enterprise" => faker.Random.Decimal(4000, 40000), "premium" => faker.Random.Decimal(800, 6000), "basic" => faker.Random.Decimal(49, 900), _ => 0m };
            var stage = faker.PickRandom(stages);
            var health = stage switch { "at_risk" => faker.Random.Int(15, 49), "churned" => faker.Random.Int(0, 30), "onboarding" => faker.Random.Int(55, 85), _ => faker.Random.Int(45, 98) };
            var churn = stage switch { "at_risk" => faker.Random.Decimal(0.55m, 0.95m), "churned" => 1m, _ => faker.Random.Decimal(0.02m, 0.5m) };
            var place = faker.PickRandom(places);
            var contact = faker.Name.FirstName();
            await Create("customers", new JsonObject
            {
                ["email"] = $"{contact.ToLowerInvariant()}@{domain}.example", ["name"] = $"{contact} {faker.Name.LastName()}", ["plan"] = plan,
                ["company_name"] = company, ["company_size"] = size, ["industry"] = faker.PickRandom(industries),
                ["mrr"] = Math.Round(mrr, 2), ["arr"] = Math.Round(mrr * 12, 2), ["ltv"] = Math.Round(mrr * faker.Random.Int(6, 48), 2),
                ["health_score"] = health, ["churn_risk"] = Math.Round(churn, 2), ["nps_score"] = faker.Random.Int(-40, 90),
                ["lead_source"] = faker.PickRandom(sources), ["country"] = place.Country, ["timezone"] = place.Tz, ["language"] = place.Lang,
                ["stage"] = stage, ["csm_id"] = faker.PickRandom(csms).ToString(), ["segment"] = plan == "enterprise" ? "enterprise" : faker.PickRandom(segments),
                ["renewal_date"] = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(faker.Random.Int(-20, 365))).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["metadata"] = new JsonObject { ["champion"] = faker.Name.FullName(), ["use_case"] = faker.PickRandom("support automation", "WhatsApp sales", "renewal tracking", "onboarding") },
            });
        }
    }
}
