using Npgsql;
using NpgsqlTypes;

namespace Clientele.Platform.Database;

/// <summary>
/// Positional parameters for a query assembled from optional parts (filters, a keyset cursor):
/// <c>where.Add($"c.plan = {p.Bind(plan)}")</c> appends the value and returns its placeholder.
/// </summary>
public sealed class SqlParameters
{
    private readonly List<NpgsqlParameter> _list = [];
    public IReadOnlyList<NpgsqlParameter> List => _list;

    public string Bind(object value)
    {
        _list.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        return "$" + _list.Count;
    }

    public string Bind(object? value, NpgsqlDbType type)
    {
        _list.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = type });
        return "$" + _list.Count;
    }

    /// <summary>A contains-pattern for ILIKE with %, _ and \ in the user's text taken literally.</summary>
    public string BindContains(string text) =>
        Bind("%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%");
}
