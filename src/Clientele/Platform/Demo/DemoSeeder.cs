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

    public sealed record Credentials(Guid OrganizationId, string Email, string? Password, string? ApiKey, bool CreatedNow, string? WebchatKey = null)
    {
        public string Describe() =>
            $"  Demo login: {Email} / {Password ?? "(set when the demo was created; see demo-credentials.json)"}\n" +
            $"  API key:    {ApiKey ?? "(run `dotnet run --project src/Clientele -- create-api-key --organization " + OrganizationId + "`)"}";
    }

    public static async Task<Credentials> EnsureAsync(IServiceProvider sp, CancellationToken ct)
    {
        var credentials = await EnsureOrganizationAsync(sp, ct);
        return credentials with { WebchatKey = await WebchatKeyAsync(sp, credentials.OrganizationId, ct) };
    }

    /// <summary>The demo's website chat channel key, for the banner's "try it" link.</summary>
    private static async Task<string?> WebchatKeyAsync(IServiceProvider sp, Guid orgId, CancellationToken ct)
    {
        await using var s = sp.GetRequiredService<TenantSessions>().Open(new TenantContext { OrganizationId = orgId, ActorType = "system", Role = Roles.Owner });
        await using var r = await s.ReadAsync("SELECT public_key FROM phone_numbers WHERE organization_id = $1 AND platform = 'webchat' AND is_active ORDER BY created_at LIMIT 1",
            [new Npgsql.NpgsqlParameter { Value = orgId }], ct);
        return await r.ReadAsync(ct) ? r.GetString(0) : null;
    }

    private static async Task<Credentials> EnsureOrganizationAsync(IServiceProvider sp, CancellationToken ct)
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
        var created = await AuthApi.CreateOrganizationAsync(sp, new TenantContext { ActorType = "system" }, "Northwind Demo", "Dana Demo", DemoEmail, password, ct);
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

    /// <summary>
    /// Fills an organization with a team, customers and a few consistent rows in every module's
    /// tables, through the resource store (so every row is valid and audited). Deterministic: a
    /// fixed Bogus seed (one per module); dates are relative to the time of the fill.
    /// </summary>
    public static async Task FillAsync(IServiceProvider sp, Guid orgId, Guid ownerId, CancellationToken ct)
    {
        var registry = sp.GetRequiredService<ResourceRegistry>();
        var store = sp.GetRequiredService<ResourceStore>();
        var tenant = new TenantContext { OrganizationId = orgId, UserId = ownerId, Role = Roles.Owner, ActorType = "system" };
        await using var session = sp.GetRequiredService<TenantSessions>().Open(tenant);
        var d = new DemoContext(store, registry, session, ownerId, ct) { Services = sp };
        await TeamAndCustomersAsync(d);
        // Order matters only where a module refers to another's rows.
        await DemoData.CustomerRecordsAsync(d);
        await DemoData.BillingAsync(d);
        await DemoData.PlatformBillingAsync(d);
        await DemoData.ChannelsAsync(d);
        await DemoData.ConversationsAsync(d);
        await DemoData.ChannelEventsAsync(d);
        await DemoData.AgentWorkspaceAsync(d);
        await DemoData.MeetingsAsync(d);
        await DemoData.IntegrationsAsync(d);
        await DemoData.SalesAsync(d);
        await DemoData.LeadImportAsync(d);
        await DemoData.SuccessAsync(d);
        await DemoData.AnalyticsAsync(d);
        await DemoData.AutomationAsync(d);
        await DemoData.TeamAsync(d);
        await DemoData.SupportAsync(d);
        await DemoData.ProspectingAsync(d, sp);
        await DemoData.KnowledgeAsync(d);
        await DemoData.HealthAsync(d);
        await DemoData.RollupsAsync(d); // last: counts what the others wrote
    }

    /// <summary>The team (owner + six people) and 60 customers: the original demo, unchanged.</summary>
    private static async Task TeamAndCustomersAsync(DemoContext d)
    {
        var faker = new Faker("en") { Random = new Randomizer(DemoContext.Seed) };
        await using (var owner = await d.Session.ReadAsync("SELECT coalesce(name, email), email FROM users WHERE organization_id = $1 AND id = $2",
                         [new NpgsqlParameter { Value = d.Session.OrganizationId }, new NpgsqlParameter { Value = d.OwnerId }], d.Ct))
        {
            if (!await owner.ReadAsync(d.Ct)) throw new InvalidOperationException($"No owner {d.OwnerId} in organization {d.Session.OrganizationId}.");
            d.Users.Add(new DemoUser(d.OwnerId, owner.GetString(0), owner.GetString(1), Roles.Owner, "management"));
        }
        var csms = new List<Guid>();
        foreach (var (first, last, role, dept, title) in new[]
                 {
                     ("Maya", "Lopez", "admin", "success", "Head of Customer Success"), ("Sam", "Okafor", "member", "success", "Customer Success Manager"),
                     ("Priya", "Natarajan", "member", "success", "Customer Success Manager"), ("Jonas", "Berg", "member", "sales", "Account Executive"),
                     ("Lea", "Martin", "member", "support", "Support Lead"), ("Tom", "Reed", "viewer", "finance", "Finance Analyst"),
                 })
        {
            var email = $"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}@northwind-demo.dev";
            var id = await d.CreateAsync("users", new
            {
                email, name = $"{first} {last}", first_name = first, last_name = last, role, department = dept, job_title = title,
            });
            d.Users.Add(new DemoUser(id, $"{first} {last}", email, role, dept));
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
            // Drawn in the original order, so the customers stay the same as before.
            var email = $"{contact.ToLowerInvariant()}@{domain}.example";
            var name = $"{contact} {faker.Name.LastName()}";
            var industry = faker.PickRandom(industries);
            var ltv = Math.Round(mrr * faker.Random.Int(6, 48), 2);
            var nps = faker.Random.Int(-40, 90);
            var source = faker.PickRandom(sources);
            var csm = faker.PickRandom(csms);
            var segment = plan == "enterprise" ? "enterprise" : faker.PickRandom(segments);
            var renewal = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(faker.Random.Int(-20, 365)));
            var id = await d.CreateAsync("customers", new JsonObject
            {
                ["email"] = email, ["name"] = name, ["plan"] = plan,
                ["company_name"] = company, ["company_size"] = size, ["industry"] = industry,
                ["mrr"] = Math.Round(mrr, 2), ["arr"] = Math.Round(mrr * 12, 2), ["ltv"] = ltv,
                ["health_score"] = health, ["churn_risk"] = Math.Round(churn, 2), ["nps_score"] = nps,
                ["lead_source"] = source, ["country"] = place.Country, ["timezone"] = place.Tz, ["language"] = place.Lang,
                ["stage"] = stage, ["csm_id"] = csm.ToString(), ["segment"] = segment,
                ["renewal_date"] = renewal.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["metadata"] = new JsonObject { ["champion"] = faker.Name.FullName(), ["use_case"] = faker.PickRandom("support automation", "WhatsApp sales", "renewal tracking", "onboarding") },
            });
            d.Customers.Add(new DemoCustomer(id, email, name, company, domain, plan, Math.Round(mrr, 2), Math.Round(mrr * 12, 2), stage, health, Math.Round(churn, 2), csm, renewal, industry));
        }
    }
}
