using Clientele.Platform.Database;
using Clientele.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>The SQL migrations, and EF's view of the schema, checked against a migrated database.</summary>
public sealed class SchemaTests
{
    private static readonly Dictionary<Type, string[]> DataTypes = new()
    {
        [typeof(Guid)] = ["uuid"],
        [typeof(string)] = ["text", "character varying", "character", "USER-DEFINED"],
        [typeof(int)] = ["integer"],
        [typeof(short)] = ["smallint"],
        [typeof(long)] = ["bigint"],
        [typeof(decimal)] = ["numeric"],
        [typeof(double)] = ["double precision"],
        [typeof(float)] = ["real"],
        [typeof(bool)] = ["boolean"],
        [typeof(DateTime)] = ["timestamp with time zone"],
        [typeof(DateOnly)] = ["date"],
        [typeof(TimeOnly)] = ["time without time zone"],
        [typeof(byte[])] = ["bytea"],
        [typeof(System.Net.IPAddress)] = ["inet"],
    };

    [Fact]
    public async Task Every_ef_entity_property_matches_a_column_of_the_same_type_and_nullability()
    {
        var conn = await TestCluster.CreateDatabaseAsync();
        var columns = new Dictionary<(string, string), (string DataType, bool Nullable, string Udt)>();
        await using (var c = new NpgsqlConnection(conn))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT table_name, column_name, data_type, is_nullable = 'YES', udt_name FROM information_schema.columns WHERE table_schema = 'public'", c);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) columns[(r.GetString(0), r.GetString(1))] = (r.GetString(2), r.GetBoolean(3), r.GetString(4));
        }
        var problems = new List<string>();
        var model = new DbModel().DesignModel;
        var entities = model.GetEntityTypes().ToList();
        entities.Count.ShouldBe(ClienteleDb.EntityTypes.Count);
        foreach (var e in entities)
        {
            var table = e.GetTableName()!;
            foreach (var p in e.GetProperties())
            {
                var column = p.GetColumnName();
                if (!columns.TryGetValue((table, column), out var db)) { problems.Add($"{table}.{column}: no such column"); continue; }
                var clr = Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType;
                var isJson = p.GetColumnType() is { } ct && ct.StartsWith("json", StringComparison.Ordinal);
                var ok = isJson ? db.DataType is "jsonb" or "json"
                    : clr.IsArray && clr != typeof(byte[]) ? db.DataType == "ARRAY" && DataTypes.TryGetValue(clr.GetElementType()!, out var el) && el.Any(x => db.Udt.TrimStart('_') == Short(x))
                    : DataTypes.TryGetValue(clr, out var allowed) && allowed.Contains(db.DataType);
                if (!ok) problems.Add($"{table}.{column}: EF {clr.Name}{(isJson ? " (json)" : "")} vs database {db.DataType}");
                if (p.IsNullable != db.Nullable) problems.Add($"{table}.{column}: EF nullable={p.IsNullable} vs database nullable={db.Nullable}");
            }
        }
        problems.ShouldBeEmpty(string.Join("\n", problems));
    }

    private static string Short(string dataType) => dataType switch
    {
        "text" => "text", "character varying" => "varchar", "uuid" => "uuid", "integer" => "int4", "bigint" => "int8", "smallint" => "int2",
        "numeric" => "numeric", "double precision" => "float8", "real" => "float4", "boolean" => "bool", "timestamp with time zone" => "timestamptz",
        "date" => "date", _ => dataType,
    };

    [Fact]
    public async Task Migrations_are_journaled_and_an_edited_applied_migration_is_refused()
    {
        var conn = await TestCluster.CreateDatabaseAsync(template: null);
        var settings = new DatabaseSettings(conn);
        // Two nodes starting at once: the advisory lock lets one apply, the other finds nothing to do.
        var results = await Task.WhenAll(
            new Migrator(settings, NullLogger<Migrator>.Instance).MigrateAsync(),
            new Migrator(settings, NullLogger<Migrator>.Instance).MigrateAsync());
        results.Sum().ShouldBe(Migrator.Embedded().Count);
        (await new Migrator(settings, NullLogger<Migrator>.Instance).MigrateAsync()).ShouldBe(0);

        await using var c = new NpgsqlConnection(conn);
        await c.OpenAsync();
        ((long)(await new NpgsqlCommand("SELECT count(*) FROM schema_migrations", c).ExecuteScalarAsync())!).ShouldBe(Migrator.Embedded().Count);
        await new NpgsqlCommand("UPDATE schema_migrations SET checksum = 'deadbeefdeadbeef' WHERE version = 1", c).ExecuteNonQueryAsync();
        var e = await Should.ThrowAsync<InvalidOperationException>(() => new Migrator(settings, NullLogger<Migrator>.Instance).MigrateAsync());
        e.Message.ShouldContain("0001_platform.sql was changed after it was applied");
    }

    [Fact]
    public void Migrations_are_numbered_uniquely_in_ascending_order()
    {
        // Engineers work in reserved number blocks (notes/HELPERS.md), so gaps between blocks are
        // expected; two files with one number, or an unordered journal, are not.
        var versions = Migrator.Embedded().Select(m => m.Version).ToList();
        versions.ShouldBeUnique();
        versions.ShouldBe(versions.Order().ToList());
        versions[0].ShouldBe(1);
    }

    [Fact]
    public async Task The_local_cluster_is_reused_on_the_next_start()
    {
        var pg = await TestCluster.GetAsync();
        var again = new LocalPostgres(Path.GetDirectoryName(pg.DataDir)!);
        (await again.EnsureStartedAsync()).ShouldBeFalse();
        again.Port.ShouldBe(pg.Port);
        await again.StopAsync(); // not started by `again`, so this must not stop the shared cluster
        await using var c = new NpgsqlConnection(pg.ConnectionString("postgres"));
        await c.OpenAsync();
    }
}
