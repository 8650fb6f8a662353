namespace Clientele.Platform.Resources;

/// <summary>A related resource reachable with include=name.</summary>
/// <param name="Name">the include name (children: the child table, also without the parent's prefix; parent: the FK column without _id)</param>
/// <param name="Table">the related table</param>
/// <param name="LocalColumn">the column of this table whose value is matched</param>
/// <param name="RemoteColumn">the column of the related table matched against it</param>
/// <param name="Many">true for children (an array), false for a parent (an object or null)</param>
public sealed record ResourceRelation(string Name, string Table, string LocalColumn, string RemoteColumn, bool Many);

/// <summary>One tenant table exposed at /api/v1/{table}.</summary>
public sealed class ResourceDefinition
{
    public required string Table { get; init; }
    public required Type EntityType { get; init; }
    public required IReadOnlyList<ResourceColumn> Columns { get; init; }
    public IReadOnlyDictionary<string, ResourceColumn> ByName { get; private set; } = new Dictionary<string, ResourceColumn>();
    public List<ResourceRelation> Relations { get; } = [];
    /// <summary>No POST/PATCH/DELETE through the generic API (e.g. audit_logs).</summary>
    public bool ReadOnly { get; set; }
    /// <summary>What the app role may do (from the database's grants): a missing verb is a 405.</summary>
    public bool CanCreate { get; set; } = true;
    public bool CanUpdate { get; set; } = true;
    public bool CanDelete { get; set; } = true;
    /// <summary>Writes need an admin (e.g. users: roles are privileges).</summary>
    public bool AdminWrites { get; set; }
    public string? Description { get; set; }

    public bool SoftDelete => ByName.ContainsKey("deleted_at");
    public bool HasUpdatedBy => ByName.ContainsKey("updated_by");
    public bool HasCreatedBy => ByName.ContainsKey("created_by");

    /// <summary>Columns selected into responses: stored non-secret columns, then computed ones.</summary>
    public IReadOnlyList<ResourceColumn> Output { get; private set; } = [];

    /// <summary>The SELECT list matching <see cref="Output"/>.</summary>
    public string SelectList { get; private set; } = "";

    public void Seal()
    {
        ByName = Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        Output = Columns.Where(c => !c.Secret && !c.IsComputed).Concat(Columns.Where(c => c.IsComputed)).ToList();
        SelectList = string.Join(", ", Output.Select(c => c.IsComputed ? $"{c.Sql} AS {ResourceColumn.Quote(c.Name)}" : c.Sql));
    }

    public ResourceRelation? FindRelation(string name) => Relations.FirstOrDefault(r => r.Name == name);
}
