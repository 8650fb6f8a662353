using System.Net;
using System.Reflection;
using Clientele.Platform.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Clientele.Platform.Resources;

/// <summary>How a module shapes its tables as resources (computed properties, secrets, rules).</summary>
public sealed class ResourceOptions
{
    internal readonly Dictionary<string, TableOptions> Tables = new(StringComparer.Ordinal);
    internal readonly HashSet<string> Hidden = new(StringComparer.Ordinal);

    public TableOptions Table(string table)
    {
        if (!Tables.TryGetValue(table, out var t)) Tables[table] = t = new TableOptions();
        return t;
    }

    /// <summary>The table has an entity but is not a generic resource (it has its own endpoints).</summary>
    public void Hide(string table) => Hidden.Add(table);
}

public sealed class TableOptions
{
    internal readonly List<(string Name, string Sql, Type Type)> ComputedColumns = [];
    internal readonly HashSet<string> Secrets = new(StringComparer.Ordinal);
    internal readonly HashSet<string> ReadOnlyColumns = new(StringComparer.Ordinal);
    internal bool ReadOnlyTable;
    internal bool AdminWrites;
    internal string? Description;

    /// <summary>A read-only property computed by SQL over the row's own columns.</summary>
    public TableOptions Computed<T>(string name, string sql) { ComputedColumns.Add((name, sql, typeof(T))); return this; }
    public TableOptions Secret(params string[] columns) { foreach (var c in columns) Secrets.Add(c); return this; }
    public TableOptions ReadOnlyColumn(params string[] columns) { foreach (var c in columns) ReadOnlyColumns.Add(c); return this; }
    public TableOptions ReadOnly() { ReadOnlyTable = true; return this; }
    public TableOptions WritesNeedAdmin() { AdminWrites = true; return this; }
    public TableOptions Describe(string text) { Description = text; return this; }
}

/// <summary>
/// Every tenant table of the EF model as a resource, with column facts from the live catalog
/// (lengths, defaults, foreign keys) so that validation and includes follow the schema.
/// </summary>
public sealed class ResourceRegistry
{
    private static readonly HashSet<string> ServerColumns = new(StringComparer.Ordinal)
        { "id", "organization_id", "created_at", "updated_at", "created_by", "updated_by", "deleted_at", "deleted_by" };

    private readonly Dictionary<string, ResourceDefinition> _byTable = new(StringComparer.Ordinal);

    public ResourceRegistry(DbModel model, ResourceOptions options, SchemaCatalog catalog)
    {
        Catalog = catalog;
        foreach (var entity in model.DesignModel.GetEntityTypes())
        {
            if (!typeof(ITenantEntity).IsAssignableFrom(entity.ClrType)) continue;
            var table = entity.GetTableName()!;
            if (options.Hidden.Contains(table)) continue;
            options.Tables.TryGetValue(table, out var opts);
            var columns = new List<ResourceColumn>();
            foreach (var p in entity.GetProperties())
            {
                var name = p.GetColumnName();
                var col = Describe(name, p.ClrType, p.IsNullable, p.GetColumnType());
                var facts = catalog.Column(table, name);
                if (facts is not null)
                {
                    col.MaxLength = facts.MaxLength;
                    col.NumericPrecision = facts.NumericPrecision;
                    col.NumericScale = facts.NumericScale;
                    col.HasDefault = facts.HasDefault;
                    col.UserType = facts.UserType;
                }
                col.ReadOnly = ServerColumns.Contains(name) || (opts?.ReadOnlyColumns.Contains(name) ?? false);
                col.Secret = opts?.Secrets.Contains(name) ?? false;
                columns.Add(col);
            }
            // Keep the table's column order for readable responses.
            columns = columns.OrderBy(c => catalog.Column(table, c.Name)?.Ordinal ?? int.MaxValue).ToList();
            foreach (var (name, sql, type) in opts?.ComputedColumns ?? [])
            {
                var computed = Describe(name, Nullable.GetUnderlyingType(type) ?? type, true, null, sql);
                computed.ReadOnly = true;
                columns.Add(computed);
            }
            var def = new ResourceDefinition
            {
                Table = table,
                EntityType = entity.ClrType,
                Columns = columns,
                ReadOnly = opts?.ReadOnlyTable ?? false,
                AdminWrites = opts?.AdminWrites ?? false,
                Description = opts?.Description,
            };
            var grants = catalog.Privileges(table);
            def.CanCreate = grants.Insert && !def.ReadOnly;
            def.CanUpdate = grants.Update && !def.ReadOnly;
            def.CanDelete = (def.SoftDelete ? grants.Update : grants.Delete) && !def.ReadOnly;
            def.Seal();
            _byTable[table] = def;
        }
        foreach (var def in _byTable.Values) AddRelations(def);
    }

    public SchemaCatalog Catalog { get; }
    public IEnumerable<ResourceDefinition> All => _byTable.Values.OrderBy(d => d.Table, StringComparer.Ordinal);
    public ResourceDefinition? Find(string table) => _byTable.GetValueOrDefault(table);

    private void AddRelations(ResourceDefinition def)
    {
        var singular = Singular(def.Table) + "_";
        foreach (var fk in Catalog.ForeignKeys)
        {
            // Composite tenant FKs (organization_id, x_id): the relation is on x_id.
            if (fk.Table == def.Table && _byTable.ContainsKey(fk.RefTable) && fk.Column != "organization_id")
            {
                var name = fk.Column.EndsWith("_id", StringComparison.Ordinal) ? fk.Column[..^3] : fk.Column + "_" + Singular(fk.RefTable);
                if (def.ByName.ContainsKey(name)) name += "_" + Singular(fk.RefTable);
                AddUnique(def, new ResourceRelation(name, fk.RefTable, fk.Column, fk.RefColumn, false));
            }
            if (fk.RefTable == def.Table && _byTable.ContainsKey(fk.Table) && fk.Column != "organization_id")
            {
                AddUnique(def, new ResourceRelation(fk.Table, fk.Table, fk.RefColumn, fk.Column, true));
                // customers + customer_health_events → also include=health_events
                if (fk.Table.StartsWith(singular, StringComparison.Ordinal))
                    AddUnique(def, new ResourceRelation(fk.Table[singular.Length..], fk.Table, fk.RefColumn, fk.Column, true));
            }
        }
    }

    private static void AddUnique(ResourceDefinition def, ResourceRelation rel)
    {
        if (def.Relations.Any(r => r.Name == rel.Name) || def.ByName.ContainsKey(rel.Name)) return;
        def.Relations.Add(rel);
    }

    public static string Singular(string table) =>
        table.EndsWith("ies", StringComparison.Ordinal) ? table[..^3] + "y" :
        table.EndsWith("sses", StringComparison.Ordinal) ? table[..^2] :
        table.EndsWith('s') ? table[..^1] : table;

    internal static ResourceColumn Describe(string name, Type clr, bool nullable, string? storeType, string? computedSql = null)
    {
        var type = Nullable.GetUnderlyingType(clr) ?? clr;
        var store = storeType?.ToLowerInvariant() ?? "";
        ColumnKind KindOf(Type t) =>
            t == typeof(Guid) ? ColumnKind.Uuid :
            t == typeof(short) ? ColumnKind.Int16 :
            t == typeof(int) ? ColumnKind.Int32 :
            t == typeof(long) ? ColumnKind.Int64 :
            t == typeof(decimal) ? ColumnKind.Decimal :
            t == typeof(double) || t == typeof(float) ? ColumnKind.Double :
            t == typeof(bool) ? ColumnKind.Bool :
            t == typeof(DateTime) || t == typeof(DateTimeOffset) ? ColumnKind.Timestamp :
            t == typeof(DateOnly) ? ColumnKind.Date :
            t == typeof(TimeOnly) ? ColumnKind.Time :
            t == typeof(IPAddress) ? ColumnKind.Inet :
            t == typeof(byte[]) ? ColumnKind.Bytes :
            ColumnKind.Text;
        var kind = store.StartsWith("json", StringComparison.Ordinal) ? ColumnKind.Json
            : type.IsArray && type != typeof(byte[]) ? ColumnKind.Array
            : KindOf(type);
        return new ResourceColumn
        {
            Name = name,
            ClrType = type,
            Kind = kind,
            ElementKind = kind == ColumnKind.Array ? KindOf(type.GetElementType()!) : kind,
            Nullable = nullable,
            ComputedSql = computedSql,
        };
    }
}
