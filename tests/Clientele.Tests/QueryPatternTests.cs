using System.Net;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>Seed 000's common query patterns as endpoints, each served by an index.</summary>
public sealed class QueryPatternTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Active_subscriptions_ending_within_n_days_soonest_first()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        async Task Sub(string status, int endsInDays, decimal mrr) =>
            (await t.Http.PostJsonAsync("/api/v1/subscriptions", new
            {
                customer_id = customer, mrr, status,
                current_period_start = DateTime.UtcNow.AddDays(-20).ToString("O"), current_period_end = DateTime.UtcNow.AddDays(endsInDays).ToString("O"),
            })).Status.ShouldBe(HttpStatusCode.Created);
        await Sub("active", 5, 5m);
        await Sub("active", 2, 2m);
        await Sub("active", 20, 20m);
        await Sub("canceled", 3, 3m);
        var r = await t.Http.GetJsonAsync("/api/v1/subscriptions/ending_soon");
        r.Json!["data"]!.AsArray().Select(x => x!["mrr"]!.GetValue<decimal>()).ShouldBe([2m, 5m]);
        var wider = await t.Http.GetJsonAsync("/api/v1/subscriptions/ending_soon?days=30");
        wider.Json!["data"]!.AsArray().Count.ShouldBe(3);
        (await t.Http.GetJsonAsync("/api/v1/subscriptions/ending_soon?days=0")).ShouldBeProblem(400, "days");
    }

    [Fact]
    public async Task A_customers_agent_handoffs_of_the_last_n_days_newest_first()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var other = await t.Http.CreateCustomerAsync();
        async Task<Guid> Conversation(Guid c)
        {
            var r = await t.Http.PostJsonAsync("/api/v1/conversations", new { customer_id = c, channel = "email" });
            r.Status.ShouldBe(HttpStatusCode.Created, r.Json?.ToJsonString());
            return Guid.Parse(r.Json!["id"]!.GetValue<string>());
        }
        var mine = await Conversation(customer);
        var theirs = await Conversation(other);
        async Task Handoff(Guid conversation, string from, string to, int daysAgo)
        {
            var r = await t.Http.PostJsonAsync("/api/v1/agent_handoffs", new { conversation_id = conversation, from_agent = from, to_agent = to, timestamp = DateTime.UtcNow.AddDays(-daysAgo).ToString("O") });
            r.Status.ShouldBe(HttpStatusCode.Created, r.Json?.ToJsonString());
        }
        await Handoff(mine, "router", "billing", 2);
        await Handoff(mine, "billing", "router", 1);
        await Handoff(mine, "router", "sales", 45);
        await Handoff(theirs, "router", "technical", 1);
        var list = await t.Http.GetJsonAsync($"/api/v1/customers/{customer}/agent_handoffs");
        list.Json!["data"]!.AsArray().Select(x => x!["to_agent"]!.GetValue<string>()).ShouldBe(["router", "billing"]);
        (await t.Http.GetJsonAsync($"/api/v1/customers/{customer}/agent_handoffs?days=60")).Json!["data"]!.AsArray().Count.ShouldBe(3);
        (await t.Http.GetJsonAsync($"/api/v1/customers/{Guid.NewGuid()}/agent_handoffs")).ShouldBeProblem(404);
        var stranger = await app.SignupAsync();
        (await stranger.Http.GetJsonAsync($"/api/v1/customers/{customer}/agent_handoffs")).ShouldBeProblem(404);
    }

    [Fact]
    public async Task Each_query_pattern_is_served_by_its_index_at_realistic_volume()
    {
        // Ten tenants, 20k customers, 10k subscriptions, 20k conversations, 60k handoffs; then the planner decides.
        await using var conn = await app.OwnerAsync();
        var org = Guid.CreateVersion7();
        await new NpgsqlCommand($"""
            INSERT INTO organizations (id, name) SELECT CASE WHEN g = 1 THEN '{org}'::uuid ELSE gen_random_uuid() END, 'Org ' || g FROM generate_series(1, 10) g;
            INSERT INTO customers (id, organization_id, email, health_score, churn_risk)
              SELECT gen_random_uuid(), o.id, 'c' || g || '@x.test', CASE WHEN g % 40 = 0 THEN 20 + g % 30 ELSE 55 + g % 45 END, CASE WHEN g % 40 = 0 THEN 0.75 ELSE (g % 60) / 100.0 END
              FROM organizations o, generate_series(1, 2000) g WHERE o.name LIKE 'Org %';
            INSERT INTO subscriptions (id, organization_id, customer_id, status, current_period_start, current_period_end)
              SELECT gen_random_uuid(), c.organization_id, c.id, CASE WHEN random() < 0.3 THEN 'active' ELSE 'canceled' END,
                     now() - interval '30 days', now() + (random() * 365) * interval '1 day'
              FROM customers c WHERE random() < 0.5;
            INSERT INTO conversations (id, organization_id, customer_id, channel)
              SELECT gen_random_uuid(), c.organization_id, c.id, 'email' FROM customers c, generate_series(1, 1) g;
            INSERT INTO agent_handoffs (id, organization_id, conversation_id, from_agent, to_agent, "timestamp")
              SELECT gen_random_uuid(), v.organization_id, v.id, 'router', 'billing', now() - (random() * 365) * interval '1 day'
              FROM conversations v, generate_series(1, 3) g;
            ANALYZE organizations, customers, subscriptions, conversations, agent_handoffs;
            """, conn) { CommandTimeout = 300 }.ExecuteNonQueryAsync(); // a bulk load: slow on a busy 2-core machine, not a timing test
        var customer = (Guid)(await new NpgsqlCommand($"SELECT id FROM customers WHERE organization_id = '{org}' LIMIT 1", conn).ExecuteScalarAsync())!;

        (await PlanAsync(conn, $"SELECT id FROM customers WHERE organization_id = '{org}' AND deleted_at IS NULL AND health_score < 50 AND churn_risk > 0.7"))
            .ShouldContain("idx_customers_at_risk");
        (await PlanAsync(conn, $"SELECT id FROM subscriptions WHERE organization_id = '{org}' AND deleted_at IS NULL AND status = 'active' AND current_period_end >= now() AND current_period_end < now() + interval '7 days'"))
            .ShouldMatch("idx_subscriptions_active_period_end|idx_subscriptions_renewal_due"); // billing's renewal-run index (0032) serves this range too; either way not a seq scan
        var handoffs = await PlanAsync(conn, $"""
            SELECT id FROM agent_handoffs WHERE organization_id = '{org}' AND deleted_at IS NULL AND "timestamp" >= now() - interval '30 days'
              AND conversation_id IN (SELECT c.id FROM conversations c WHERE c.organization_id = '{org}' AND c.customer_id = '{customer}' AND c.deleted_at IS NULL)
            """);
        handoffs.ShouldContain("idx_conversations_customer");
        handoffs.ShouldContain("idx_agent_handoffs_conversation_timestamp");
    }

    [Fact]
    public async Task Email_lookups_under_row_security_probe_the_index_and_stay_in_the_tenant()
    {
        // Under a tenant policy lower(email) = lower($1) cannot be an index condition (lower() is not LEAKPROOF),
        // so the app role read the organization's rows; clientele_ids_by_email (0132) probes the index inside
        // the current organization only.
        var org = Guid.CreateVersion7();
        var other = Guid.CreateVersion7();
        Guid wanted, contact;
        await using (var owner = await app.OwnerAsync())
        {
            await new NpgsqlCommand($"""
                INSERT INTO organizations (id, name) VALUES ('{org}', 'Lookup org'), ('{other}', 'Other org');
                INSERT INTO customers (id, organization_id, email) SELECT gen_random_uuid(), '{org}', 'person' || g || '@lookup.test' FROM generate_series(1, 4000) g;
                INSERT INTO customers (id, organization_id, email) VALUES (gen_random_uuid(), '{other}', 'only-elsewhere@lookup.test'), (gen_random_uuid(), '{other}', 'person17@lookup.test');
                INSERT INTO customer_contacts (id, organization_id, customer_id, email, name)
                  SELECT gen_random_uuid(), c.organization_id, c.id, 'Contact.' || c.email, 'c' FROM customers c WHERE c.organization_id = '{org}';
                ANALYZE customers, customer_contacts;
                """, owner) { CommandTimeout = 300 }.ExecuteNonQueryAsync();
            wanted = (Guid)(await new NpgsqlCommand($"SELECT id FROM customers WHERE organization_id = '{org}' AND email = 'person17@lookup.test'", owner).ExecuteScalarAsync())!;
            contact = (Guid)(await new NpgsqlCommand($"SELECT id FROM customer_contacts WHERE organization_id = '{org}' AND email = 'Contact.person17@lookup.test'", owner).ExecuteScalarAsync())!;
        }

        await using var conn = await app.AppRoleAsync();
        // No organization set: nothing, not every tenant's match.
        ((long)(await new NpgsqlCommand("SELECT count(*) FROM clientele_ids_by_email('customers', 'person17@lookup.test')", conn).ExecuteScalarAsync())!).ShouldBe(0);
        await using var tx = await conn.BeginTransactionAsync();
        await new NpgsqlCommand($"SELECT set_config('clientele.organization_id', '{org}', true)", conn, tx).ExecuteScalarAsync();
        async Task<List<Guid>> Ids(string table, string email)
        {
            var ids = new List<Guid>();
            await using var r = await new NpgsqlCommand($"SELECT * FROM clientele_ids_by_email('{table}', '{email}')", conn, tx).ExecuteReaderAsync();
            while (await r.ReadAsync()) ids.Add(r.GetGuid(0));
            return ids;
        }
        (await Ids("customers", "PERSON17@Lookup.Test")).ShouldBe([wanted]);
        (await Ids("customer_contacts", "contact.person17@lookup.test")).ShouldBe([contact]);
        (await Ids("customers", "only-elsewhere@lookup.test")).ShouldBeEmpty();
        var refused = await Should.ThrowAsync<PostgresException>(() => new NpgsqlCommand("SELECT * FROM clientele_ids_by_email('api_keys', 'x@y.z')", conn, tx).ExecuteScalarAsync());
        refused.SqlState.ShouldBe("22023");
        await tx.RollbackAsync();

        await using var tx2 = await conn.BeginTransactionAsync();
        await new NpgsqlCommand($"SELECT set_config('clientele.organization_id', '{org}', true)", conn, tx2).ExecuteScalarAsync();
        async Task<long> Buffers(string where)
        {
            var plan = (string)(await new NpgsqlCommand($"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT id FROM customers WHERE {where}", conn, tx2).ExecuteScalarAsync())!;
            var top = System.Text.Json.Nodes.JsonNode.Parse(plan)![0]!["Plan"]!;
            return top["Shared Hit Blocks"]!.GetValue<long>() + top["Shared Read Blocks"]!.GetValue<long>();
        }
        var direct = await Buffers($"organization_id = '{org}' AND deleted_at IS NULL AND lower(email) = lower('person17@lookup.test')");
        var probed = await Buffers($"id IN (SELECT clientele_ids_by_email('customers', 'person17@lookup.test')) AND organization_id = '{org}' AND deleted_at IS NULL");
        probed.ShouldBeLessThan(30, $"the lookup read {probed} buffers for one of 4,000 customers");
        direct.ShouldBeGreaterThan(probed * 3, $"lower(email) under the policy read {direct} buffers, the probe {probed}");
    }

    private static async Task<string> PlanAsync(NpgsqlConnection conn, string sql) => string.Join("\n", await ReadPlanAsync(conn, "EXPLAIN " + sql));

    private static async Task<List<string>> ReadPlanAsync(NpgsqlConnection conn, string sql)
    {
        var lines = new List<string>();
        await using var r = await new NpgsqlCommand(sql, conn).ExecuteReaderAsync();
        while (await r.ReadAsync()) lines.Add(r.GetString(0));
        return lines;
    }
}
