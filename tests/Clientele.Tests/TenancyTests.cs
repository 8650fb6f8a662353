using System.Net;
using Clientele.Platform.Demo;
using Clientele.Platform.Resources;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>Tenant isolation: in the database (RLS on every tenant table) and through every registered resource.</summary>
public sealed class TenancyTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Every_tenant_table_has_forced_row_level_security_with_the_tenant_policy()
    {
        await using var conn = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND pg_get_expr(p.polqual, p.polrelid) LIKE '%clientele_current_org()%')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped)
            """, conn);
        var tables = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var name = r.GetString(0);
            tables.Add(name);
            r.GetBoolean(1).ShouldBeTrue($"{name}: RLS not enabled");
            r.GetBoolean(2).ShouldBeTrue($"{name}: RLS not forced");
            r.GetBoolean(3).ShouldBeTrue($"{name}: no tenant policy");
        }
        tables.ShouldContain("customers");
        tables.Count.ShouldBeGreaterThan(60); // every seed system's tenant tables
    }

    [Fact]
    public async Task The_app_role_owns_nothing_cannot_bypass_rls_and_sees_no_rows_without_a_tenant()
    {
        var t = await app.SignupAsync();
        await t.Http.CreateCustomerAsync();
        await using (var owner = await app.OwnerAsync())
        {
            await using var role = new NpgsqlCommand("SELECT rolsuper, rolbypassrls, (SELECT count(*) FROM pg_class WHERE relowner = r.oid) FROM pg_roles r WHERE rolname = 'clientele_app'", owner);
            await using var rr = await role.ExecuteReaderAsync();
            (await rr.ReadAsync()).ShouldBeTrue();
            rr.GetBoolean(0).ShouldBeFalse();
            rr.GetBoolean(1).ShouldBeFalse();
            rr.GetInt64(2).ShouldBe(0);
        }
        await using var conn = await app.AppRoleAsync();
        foreach (var table in new[] { "customers", "users", "api_keys", "audit_logs", "organizations" })
        {
            await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {table}", conn);
            ((long)(await cmd.ExecuteScalarAsync())!).ShouldBe(0, $"{table} leaked rows with no tenant set");
        }
        // With the tenant set, the same connection sees exactly that tenant.
        await using var tx = await conn.BeginTransactionAsync();
        await new NpgsqlCommand($"SELECT set_config('clientele.organization_id', '{t.OrganizationId}', true)", conn, tx).ExecuteScalarAsync();
        ((long)(await new NpgsqlCommand("SELECT count(*) FROM customers", conn, tx).ExecuteScalarAsync())!).ShouldBe(1);
        // And it cannot write into another tenant.
        var insert = new NpgsqlCommand($"INSERT INTO customers (id, organization_id, email) VALUES ('{Guid.CreateVersion7()}', '{Guid.NewGuid()}', 'x@y.z')", conn, tx);
        (await Should.ThrowAsync<PostgresException>(() => insert.ExecuteNonQueryAsync())).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Fact]
    public async Task A_parallel_plan_over_a_tenant_table_sees_exactly_the_tenants_rows()
    {
        // clientele_current_org() is PARALLEL SAFE (0123): the workers must see the leader's tenant setting.
        var a = await app.SignupAsync();
        var b = await app.SignupAsync();
        await using (var owner = await app.OwnerAsync())
            foreach (var (org, n) in new[] { (a.OrganizationId, 3000), (b.OrganizationId, 2000) })
            {
                await using var fill = new NpgsqlCommand(
                    "INSERT INTO analytics_events (id, organization_id, event_type, properties, created_at) SELECT gen_random_uuid(), $1, 'page_viewed', '{}', now() FROM generate_series(1, $2)", owner);
                fill.Parameters.AddWithValue(org);
                fill.Parameters.AddWithValue(n);
                await fill.ExecuteNonQueryAsync();
            }
        await using var conn = await app.AppRoleAsync();
        await using var tx = await conn.BeginTransactionAsync();
        foreach (var set in new[] { "parallel_setup_cost = 0", "parallel_tuple_cost = 0", "min_parallel_table_scan_size = 0", "max_parallel_workers_per_gather = 2",
                     "enable_indexscan = off", "enable_indexonlyscan = off", "enable_bitmapscan = off" })
            await new NpgsqlCommand($"SET LOCAL {set}", conn, tx).ExecuteNonQueryAsync();
        await new NpgsqlCommand($"SELECT set_config('clientele.organization_id', '{a.OrganizationId}', true)", conn, tx).ExecuteScalarAsync();
        const string Count = "SELECT count(*) FROM analytics_events WHERE event_type = 'page_viewed'";
        var plan = new List<string>();
        await using (var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, COSTS OFF) " + Count, conn, tx))
        await using (var r = await explain.ExecuteReaderAsync())
            while (await r.ReadAsync()) plan.Add(r.GetString(0));
        plan.ShouldContain(l => l.Contains("Gather", StringComparison.Ordinal), string.Join("\n", plan));
        plan.ShouldContain(l => l.Contains("Workers Launched: ", StringComparison.Ordinal) && !l.Contains("Workers Launched: 0", StringComparison.Ordinal), string.Join("\n", plan));
        ((long)(await new NpgsqlCommand(Count, conn, tx).ExecuteScalarAsync())!).ShouldBe(3000);
    }

    [Fact]
    public async Task Every_registered_resource_hides_other_tenants_rows()
    {
        var a = await app.SignupAsync();
        var b = await app.SignupAsync();
        await DemoSeeder.FillAsync(app.App.Services, a.OrganizationId, a.UserId, CancellationToken.None);
        var registry = app.App.Services.GetRequiredService<ResourceRegistry>();
        var covered = new List<string>();
        await using var owner = await app.OwnerAsync();
        foreach (var def in registry.All)
        {
            var ids = new List<Guid>();
            // Per-person tables answer only the caller's own rows (OwnRowsApi): take the owner's.
            var own = def.Table is "notifications" or "notification_preferences";
            await using (var cmd = new NpgsqlCommand($"SELECT id FROM \"{def.Table}\" WHERE organization_id = $1{(own ? " AND user_id = $2" : "")} LIMIT 3", owner))
            {
                cmd.Parameters.AddWithValue(a.OrganizationId);
                if (own) cmd.Parameters.AddWithValue(a.UserId);
                await using var r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync()) ids.Add(r.GetGuid(0));
            }
            var list = await b.Http.GetJsonAsync($"/api/v1/{def.Table}?limit=200");
            list.Status.ShouldBe(HttpStatusCode.OK, $"{def.Table}: {list.Json?.ToJsonString()}");
            var visible = list.Json!["data"]!.AsArray().Select(x => x!["id"]!.GetValue<string>()).ToHashSet();
            foreach (var id in ids)
            {
                visible.ShouldNotContain(id.ToString(), $"{def.Table} lists another tenant's row");
                (await b.Http.GetJsonAsync($"/api/v1/{def.Table}/{id}")).ShouldBeProblem(404);
                if (def.CanUpdate && def.CanDelete && !def.AdminWrites)
                {
                    (await b.Http.PatchJsonAsync($"/api/v1/{def.Table}/{id}", new { })).ShouldBeProblem(404);
                    (await b.Http.DeleteAsync2($"/api/v1/{def.Table}/{id}")).ShouldBeProblem(404);
                }
                // The owner tenant does see it (so the check above is not vacuous).
                (await a.Http.GetJsonAsync($"/api/v1/{def.Table}/{id}")).Status.ShouldBe(HttpStatusCode.OK, def.Table);
            }
            if (ids.Count > 0) covered.Add(def.Table);
        }
        covered.ShouldContain("customers");
        covered.ShouldContain("users");
        covered.ShouldContain("audit_logs");
        // The demo fills every module: a resource without a row for tenant A would make the checks above vacuous for it.
        var uncovered = registry.All.Select(d => d.Table).Except(covered).ToList();
        uncovered.ShouldBeEmpty($"the demo wrote no rows to {uncovered.Count} resource(s): {string.Join(", ", uncovered)}");
    }
}
