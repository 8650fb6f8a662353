using NpgsqlTypes;

namespace Clientele.Platform.Resources;

public enum ColumnKind { Uuid, Text, Int16, Int32, Int64, Decimal, Double, Bool, Timestamp, Date, Time, Json, Inet, Bytes, Array }

/// <summary>One column of a resource: its JSON/SQL name, type, and what the API may do with it.</summary>
public sealed class ResourceColumn
{
    public required string Name { get; init; }
    public required Type ClrType { get; init; }
    public required ColumnKind Kind { get; init; }
    /// <summary>For arrays: the element kind.</summary>
    public ColumnKind ElementKind { get; init; }
    public required bool Nullable { get; init; }
    public int? MaxLength { get; set; }
    /// <summary>numeric(p,s): p and s, so that a number too large for the column is refused naming the field.</summary>
    public int? NumericPrecision { get; set; }
    public int? NumericScale { get; set; }
    public bool HasDefault { get; set; }
    /// <summary>A user-defined type (enum) name when the column is not a built-in type: parameters are cast to it.</summary>
    public string? UserType { get; set; }
    /// <summary>Set by the server only (ids, tenant, audit fields, declared read-only).</summary>
    public bool ReadOnly { get; set; }
    /// <summary>Encrypted at rest, write-only: never selected into responses.</summary>
    public bool Secret { get; set; }
    /// <summary>A SQL expression instead of a stored column (computed, read-only property).</summary>
    public string? ComputedSql { get; init; }

    public bool IsComputed => ComputedSql is not null;
    public bool Sortable => Kind is not (ColumnKind.Json or ColumnKind.Array or ColumnKind.Bytes) && !Secret;

    /// <summary>The SQL that reads this field (quoted column or parenthesized expression).</summary>
    public string Sql => ComputedSql is null ? Quote(Name) : "(" + ComputedSql + ")";

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public NpgsqlDbType DbType => Kind == ColumnKind.Array ? NpgsqlDbType.Array | ScalarDbType(ElementKind) : ScalarDbType(Kind);

    public static NpgsqlDbType ScalarDbType(ColumnKind kind) => kind switch
    {
        ColumnKind.Uuid => NpgsqlDbType.Uuid,
        ColumnKind.Text => NpgsqlDbType.Text,
        ColumnKind.Int16 => NpgsqlDbType.Smallint,
        ColumnKind.Int32 => NpgsqlDbType.Integer,
        ColumnKind.Int64 => NpgsqlDbType.Bigint,
        ColumnKind.Decimal => NpgsqlDbType.Numeric,
        ColumnKind.Double => NpgsqlDbType.Double,
        ColumnKind.Bool => NpgsqlDbType.Boolean,
        ColumnKind.Timestamp => NpgsqlDbType.TimestampTz,
        ColumnKind.Date => NpgsqlDbType.Date,
        ColumnKind.Time => NpgsqlDbType.Time,
        ColumnKind.Json => NpgsqlDbType.Jsonb,
        ColumnKind.Inet => NpgsqlDbType.Inet,
        ColumnKind.Bytes => NpgsqlDbType.Bytea,
        _ => NpgsqlDbType.Unknown,
    };

    public string TypeDescription => Kind switch
    {
        ColumnKind.Uuid => "a UUID string",
        ColumnKind.Text => MaxLength is { } n ? $"a string of at most {n} characters" : "a string",
        ColumnKind.Int16 or ColumnKind.Int32 or ColumnKind.Int64 => "an integer",
        ColumnKind.Decimal or ColumnKind.Double => "a number",
        ColumnKind.Bool => "true or false",
        ColumnKind.Timestamp => "an ISO 8601 date-time string",
        ColumnKind.Date => "an ISO 8601 date string (YYYY-MM-DD)",
        ColumnKind.Time => "a time string (HH:MM[:SS])",
        ColumnKind.Json => "a JSON value",
        ColumnKind.Inet => "an IP address string",
        ColumnKind.Bytes => "a base64 string",
        ColumnKind.Array => "an array",
        _ => "a value",
    };
}
