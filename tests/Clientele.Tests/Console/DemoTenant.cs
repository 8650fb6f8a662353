using Clientele.Platform.Demo;
using Clientele.Tests.Infrastructure;
using Npgsql;

namespace Clientele.Tests.Console;

/// <summary>
/// One demo organization (the product's demo fill) shared by the console page tests of a run, with a
/// member and a viewer who can sign in: filling it once keeps the browser tests fast.
/// </summary>
public sealed record DemoTenant(AppFixture.Tenant Owner, string MemberEmail, string ViewerEmail, Guid ShowcaseCustomer)
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (ConsoleFixture Fixture, DemoTenant Demo)? _cached;

    public static async Task<DemoTenant> GetAsync(ConsoleFixture app)
    {
        await Gate.WaitAsync();
        try
        {
            if (_cached is { } c && ReferenceEquals(c.Fixture, app)) return c.Demo;
            var owner = await app.SignupAsync("Console demo");
            await DemoSeeder.FillAsync(app.App.Services, owner.OrganizationId, owner.UserId, CancellationToken.None);
            var member = await app.UserAsync(owner, "member", "Mia Member");
            var viewer = await app.UserAsync(owner, "viewer", "Victor Viewer");
            var demo = new DemoTenant(owner, member, viewer, await ShowcaseAsync(app, owner.OrganizationId));
            _cached = (app, demo);
            return demo;
        }
        finally { Gate.Release(); }
    }

    /// <summary>The demo customer with rows in the most sections of the customer page.</summary>
    private static async Task<Guid> ShowcaseAsync(AppFixture app, Guid org)
    {
        await using var c = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand($"""
            SELECT c.id FROM customers c WHERE c.organization_id = $1 AND c.deleted_at IS NULL
            ORDER BY ({string.Join(" + ", SectionTables.Select(t => $"(EXISTS (SELECT 1 FROM {t.Table} x WHERE x.customer_id = c.id {t.Extra}))::int"))}) DESC, c.id LIMIT 1
            """, c);
        cmd.Parameters.AddWithValue(org);
        return (Guid)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The tables behind the customer page: the page section they belong to and the element that shows their rows.</summary>
    public static readonly (string Table, string Section, string Shown, string Extra)[] SectionTables =
    [
        ("conversations", "conversations", "conversations", ""), ("subscriptions", "billing", "subscriptions", ""), ("invoices", "billing", "invoices", ""),
        ("payments", "billing", "payments", ""), ("credits", "billing", "credits", ""), ("usage_metrics", "usage", "usage", ""),
        ("health_score_history", "health", "health", ""), ("leads", "pipeline", "leads", "OR x.converted_to_customer_id = c.id"),
        ("deals", "pipeline", "deals", ""), ("quotes", "pipeline", "quotes", ""), ("customer_contacts", "people", "people", ""),
        ("contracts", "contracts", "contracts", ""), ("customer_notes", "notes", "notes", ""),
    ];

    public static async Task<long> CountAsync(AppFixture app, string sql, params object[] args)
    {
        await using var c = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
