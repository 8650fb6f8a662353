using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Team;

/// <summary>Privacy requests (issue 13 item 5) on a demo organization, whose rows come from every module.</summary>
public sealed class PrivacyTests(DemoOrgFixture f) : IClassFixture<DemoOrgFixture>
{
    /// <summary>Every table with a foreign-key path to customers, computed here independently of the product's graph.</summary>
    private const string ReachableSql = """
        WITH RECURSIVE fk AS (
          SELECT ch.relname::text AS child, pa.relname::text AS parent FROM pg_constraint c
          JOIN pg_class ch ON ch.oid = c.conrelid JOIN pg_class pa ON pa.oid = c.confrelid
          WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace AND NOT ch.relispartition),
        reach(t) AS (SELECT 'customers'::name::text UNION SELECT fk.child FROM fk JOIN reach r ON fk.parent = r.t)
        SELECT t FROM reach ORDER BY t
        """;

    private async Task<List<T>> ListAsync<T>(string sql, params object[] args)
    {
        await using var c = await f.OwnerAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<T>();
        while (await r.ReadAsync()) list.Add(r.GetFieldValue<T>(0));
        return list;
    }

    /// <summary>The demo customer with rows in the most modules (conversations, billing, pipeline, success, ...), and a contact phone.</summary>
    private async Task<(Guid Id, string Name, string Email, string Phone)> RichCustomerAsync(int skip)
    {
        await using var c = await f.OwnerAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT cu.id, cu.name, cu.email, (SELECT cc.phone FROM customer_contacts cc WHERE cc.customer_id = cu.id AND cc.phone IS NOT NULL ORDER BY cc.id LIMIT 1)
            FROM customers cu WHERE cu.organization_id = $1 AND cu.name IS NOT NULL AND cu.erased_at IS NULL
              AND EXISTS (SELECT 1 FROM customer_contacts cc WHERE cc.customer_id = cu.id AND cc.phone IS NOT NULL)
            ORDER BY (SELECT count(*) FROM conversations x WHERE x.customer_id = cu.id) > 0 DESC,
                     (SELECT count(*) FROM invoices x WHERE x.customer_id = cu.id) > 0 DESC,
                     (SELECT count(*) FROM deals x WHERE x.customer_id = cu.id) > 0 DESC,
                     (SELECT count(*) FROM risk_signals x WHERE x.customer_id = cu.id) + (SELECT count(*) FROM meetings x WHERE x.customer_id = cu.id) DESC, cu.id
            OFFSET $2 LIMIT 1
            """, c);
        cmd.Parameters.Add(new NpgsqlParameter { Value = f.Demo.OrganizationId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = skip });
        await using var r = await cmd.ExecuteReaderAsync();
        (await r.ReadAsync()).ShouldBeTrue("the demo has a customer with a contact phone");
        return (r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3));
    }

    [Fact]
    public async Task The_export_holds_every_table_with_a_path_to_customers_and_every_modules_rows()
    {
        var (id, name, email, _) = await RichCustomerAsync(0);
        var res = await f.Demo.Http.PostAsync($"/api/v1/customers/{id}/export", null);
        res.StatusCode.ShouldBe(HttpStatusCode.OK, await res.Content.ReadAsStringAsync());
        res.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        res.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe($"customer-{id}.json");
        var doc = JsonNode.Parse(await res.Content.ReadAsStringAsync())!;
        doc["customer_id"]!.GetValue<string>().ShouldBe(id.ToString());
        var tables = doc["tables"]!.AsObject();

        // Every table that references customers directly or through others, as the schema says today.
        var reachable = await ListAsync<string>(ReachableSql);
        reachable.Count.ShouldBeGreaterThan(40);
        foreach (var t in reachable) tables.ContainsKey(t).ShouldBeTrue($"the export lacks {t}");
        tables["messages"]!["path"]!.GetValue<string>().ShouldBe("customers > conversations > messages");
        tables["domain_events"].ShouldNotBeNull("customer_id without a foreign key counts too");

        var customer = tables["customers"]!["rows"]!.AsArray().Single()!;
        customer["name"]!.GetValue<string>().ShouldBe(name);
        customer["email"]!.GetValue<string>().ShouldBe(email);

        // Each module's rows of this customer, found by hand-written SQL, are exactly the exported ones.
        var modules = new Dictionary<string, string>
        {
            ["customer_contacts"] = "SELECT id FROM customer_contacts WHERE customer_id = $1",
            ["conversations"] = "SELECT id FROM conversations WHERE customer_id = $1",
            ["messages"] = "SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.customer_id = $1",
            ["subscriptions"] = "SELECT id FROM subscriptions WHERE customer_id = $1",
            ["invoices"] = "SELECT id FROM invoices WHERE customer_id = $1",
            ["invoice_lines"] = "SELECT l.id FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.customer_id = $1",
            ["payments"] = "SELECT id FROM payments WHERE customer_id = $1",
            ["deals"] = "SELECT id FROM deals WHERE customer_id = $1",
            ["meetings"] = "SELECT id FROM meetings WHERE customer_id = $1",
            ["health_score_history"] = "SELECT id FROM health_score_history WHERE customer_id = $1",
            ["risk_signals"] = "SELECT id FROM risk_signals WHERE customer_id = $1",
            ["usage_metrics"] = "SELECT id FROM usage_metrics WHERE customer_id = $1",
            ["customer_notes"] = "SELECT id FROM customer_notes WHERE customer_id = $1",
        };
        var nonEmpty = 0;
        foreach (var (table, sql) in modules)
        {
            var expected = (await ListAsync<Guid>(sql, id)).Select(g => g.ToString()).Order().ToList();
            var exported = tables[table]!["rows"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).Order().ToList();
            exported.ShouldBe(expected, $"{table}");
            tables[table]!["count"]!.GetValue<int>().ShouldBe(expected.Count);
            if (expected.Count > 0) nonEmpty++;
        }
        nonEmpty.ShouldBeGreaterThanOrEqualTo(8, "the demo customer has rows in most modules");
        // Nothing of another customer.
        var others = tables["conversations"]!["rows"]!.AsArray().Select(r => r!["customer_id"]!.GetValue<string>()).Distinct().ToList();
        others.ShouldAllBe(c => c == id.ToString());

        (await ListAsync<long>("SELECT count(*) FROM audit_logs WHERE entity_id = $1 AND action = 'export'", id)).Single().ShouldBe(1);
    }

    [Fact]
    public async Task Export_and_erase_are_for_admins_of_the_customers_organization_only()
    {
        var (id, _, _, _) = await RichCustomerAsync(2);
        var other = await f.SignupAsync();
        (await other.Http.PostJsonAsync($"/api/v1/customers/{id}/export", new { })).ShouldBeProblem(404);
        (await other.Http.PostJsonAsync($"/api/v1/customers/{id}/erase", new { })).ShouldBeProblem(404);
        (await f.Demo.Http.PostJsonAsync("/api/v1/customers/not-a-uuid/erase", new { })).ShouldBeProblem(404);
        var member = await f.KeyClientAsync(f.Demo, "read", "write");
        (await member.PostJsonAsync($"/api/v1/customers/{id}/erase", new { })).ShouldBeProblem(403);
        var viewer = await f.KeyClientAsync(f.Demo, "read");
        (await viewer.PostJsonAsync($"/api/v1/customers/{id}/export", new { })).ShouldBeProblem(403);
        (await ListAsync<bool>("SELECT erased_at IS NULL FROM customers WHERE id = $1", id)).Single().ShouldBeTrue();
    }

    [Fact]
    public async Task Erase_leaves_the_name_email_and_phone_in_no_text_column_of_the_database_and_keeps_the_numbers()
    {
        var (id, name, email, phone) = await RichCustomerAsync(1);
        // Copies of the personal data elsewhere: a note and a customer message naming them, an AI reply, the activity feed and audit log.
        await f.Demo.Http.PostJsonAsync("/api/v1/customer_notes", new { customer_id = id, content = $"Called {name} on {phone}, confirmed {email}.", note_type = "general" });
        var patched = await f.Demo.Http.PatchJsonAsync($"/api/v1/customers/{id}", new { metadata = new { preferred_contact = email, phone } });
        patched.Status.ShouldBe(HttpStatusCode.OK, patched.Json?.ToJsonString());
        // Background work that copies the data (events, webhooks, triggers) finishes first: what it writes later is a new request.
        await Eventually.GetAsync(async () => (await ListAsync<long>(
            "SELECT count(*) FROM outbox WHERE organization_id = $1 AND processed_at IS NULL AND dead_at IS NULL AND available_at <= now()", f.Demo.OrganizationId)).Single(),
            n => n == 0, what: "the outbox drained");
        var needles = new[] { name, email, phone };
        var before = await SearchEverywhereAsync(needles);
        before.Count.ShouldBeGreaterThan(3, string.Join(", ", before));

        const string numbers = """
            SELECT (SELECT coalesce(sum(amount), 0) FROM invoices WHERE customer_id = $1)::text || '|' ||
                   (SELECT coalesce(sum(amount), 0) FROM payments WHERE customer_id = $1)::text || '|' ||
                   (SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.customer_id = $1)::text || '|' ||
                   (SELECT count(*) FROM customer_contacts WHERE customer_id = $1)::text || '|' ||
                   (SELECT coalesce(mrr, 0)::text || '|' || coalesce(health_score, -1)::text FROM customers WHERE id = $1)
            """;
        var numbersBefore = (await ListAsync<string>(numbers, id)).Single();

        var erased = await f.Demo.Http.PostJsonAsync($"/api/v1/customers/{id}/erase", new { });
        erased.Status.ShouldBe(HttpStatusCode.OK, erased.Json?.ToJsonString());
        erased.Json!["already_erased"]!.GetValue<bool>().ShouldBeFalse();
        erased.Json["anonymised"]!["customers"]!.GetValue<int>().ShouldBe(1);
        erased.Json["other_rows"]!.GetValue<int>().ShouldBeGreaterThan(0);

        var after = await SearchEverywhereAsync(needles);
        after.ShouldBeEmpty("personal data left: " + string.Join(", ", after));
        (await ListAsync<string>(numbers, id)).Single().ShouldBe(numbersBefore);
        (await ListAsync<string>("SELECT email FROM customers WHERE id = $1", id)).Single().ShouldEndWith("@erased.invalid");
        (await ListAsync<long>("SELECT count(*) FROM audit_logs WHERE entity_id = $1 AND action = 'update' AND changes ? 'erased'", id)).Single().ShouldBe(1);
        (await ListAsync<long>("SELECT count(*) FROM activity_logs WHERE resource_id = $1 AND action_type = 'customer.erased'", id)).Single().ShouldBe(1);

        // Idempotent: the second call changes nothing and writes no second audit row.
        var again = await f.Demo.Http.PostJsonAsync($"/api/v1/customers/{id}/erase", new { });
        again.Status.ShouldBe(HttpStatusCode.OK);
        again.Json!["already_erased"]!.GetValue<bool>().ShouldBeTrue();
        again.Json["erased_at"]!.GetValue<string>().ShouldBe(erased.Json["erased_at"]!.GetValue<string>());
        (await ListAsync<long>("SELECT count(*) FROM audit_logs WHERE entity_id = $1 AND action = 'update' AND changes ? 'erased'", id)).Single().ShouldBe(1);
        // The app role cannot set erased_at itself, and another customer is untouched.
        (await f.Demo.Http.PatchJsonAsync($"/api/v1/customers/{id}", new { erased_at = (string?)null })).ShouldBeProblem(422);
        var (_, otherName, _, _) = await RichCustomerAsync(0);
        (await SearchEverywhereAsync([otherName])).ShouldNotBeEmpty();
    }

    /// <summary>"table.column" for every text, varchar, char, json, jsonb and text-array column of every schema that holds a needle.</summary>
    private async Task<List<string>> SearchEverywhereAsync(string[] needles)
    {
        var columns = await ListAsync<string>("""
            SELECT format('%I.%I|%I', c.table_schema, c.table_name, c.column_name) FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
              AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb') OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar')))
            """);
        columns.Count.ShouldBeGreaterThan(300);
        var hits = new List<string>();
        await using var conn = await f.OwnerAsync();
        foreach (var col in columns)
        {
            var (table, column) = (col.Split('|')[0], col.Split('|')[1]);
            await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE {column}::text ILIKE ANY ($1)", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = needles.Select(n => "%" + n.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%").ToArray() });
            if ((long)(await cmd.ExecuteScalarAsync())! > 0) hits.Add($"{table}.{column}");
        }
        return hits;
    }
}
