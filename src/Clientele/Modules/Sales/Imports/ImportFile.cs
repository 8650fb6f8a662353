using System.Globalization;
using System.Text.Json.Nodes;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;
using CsvHelper;
using CsvHelper.Configuration;

namespace Clientele.Modules.Sales.Imports;

/// <summary>
/// A CSV file read with CsvHelper (RFC 4180: quoted fields, embedded commas and newlines, a BOM) and
/// its column mapping: each header goes to a column of the table, a reference column, or nowhere. With
/// no mapping, a header names its column itself ("Full Name" → full_name).
/// </summary>
public sealed record ImportFile(string[] Header, List<string[]> Rows)
{
    public const int MaxRows = 200_000;

    public static ImportFile Read(Stream stream)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { DetectDelimiter = true, BadDataFound = null, MissingFieldFound = null, TrimOptions = TrimOptions.Trim };
        try
        {
            using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
            using var csv = new CsvReader(reader, config);
            if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header || header.All(string.IsNullOrWhiteSpace))
                throw ProblemException.Validation("file", "has no header line (the first line names the columns)");
            var rows = new List<string[]>();
            while (csv.Read())
            {
                if (rows.Count == MaxRows) throw ProblemException.Validation("file", $"has more than {MaxRows:N0} rows: split it");
                rows.Add(csv.Parser.Record ?? []);
            }
            return new ImportFile(header, rows);
        }
        catch (CsvHelperException e)
        {
            throw ProblemException.Validation("file", "is not a readable CSV file: " + e.Message.Split('\n')[0]);
        }
    }

    public static string Normalize(string header) =>
        string.Join('_', header.Trim().ToLowerInvariant().Split([' ', '-', '.', '/'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// Column per header index, from the explicit mapping ({"CSV header": "column" or null to skip})
    /// or the header's own name; the effective mapping is returned to be kept with the import.
    /// </summary>
    public (Dictionary<int, string> Columns, JsonObject Effective) Map(ResourceDefinition def, JsonObject? mapping)
    {
        var errors = new FieldErrors();
        var writable = def.Columns.Where(c => !c.ReadOnly && !c.IsComputed && !ImportTables.Never.Contains(c.Name)).Select(c => c.Name)
            .Concat(ImportTables.References(def.Table)).ToHashSet(StringComparer.Ordinal);
        if (mapping is not null)
            foreach (var (from, _) in mapping)
                if (!Header.Contains(from, StringComparer.OrdinalIgnoreCase)) errors.Add("mapping", $"names the column \"{from}\", which the file's header does not have");
        var columns = new Dictionary<int, string>();
        var effective = new JsonObject();
        for (var i = 0; i < Header.Length; i++)
        {
            var h = Header[i];
            var explicitly = mapping?.FirstOrDefault(kv => kv.Key.Equals(h, StringComparison.OrdinalIgnoreCase));
            string? target = explicitly is { Key: not null } kv2 ? kv2.Value?.GetValue<string>() : Normalize(h);
            if (string.IsNullOrEmpty(target) || !writable.Contains(target))
            {
                if (explicitly is { Key: not null } && !string.IsNullOrEmpty(target))
                    errors.Add("mapping", $"maps \"{h}\" to {target}, which is not a column an import of {def.Table} can write");
                effective[h] = null;
                continue;
            }
            if (columns.ContainsValue(target)) { errors.Add("mapping", $"maps two columns to {target}"); continue; }
            columns[i] = target;
            effective[h] = target;
        }
        if (!columns.ContainsValue(ImportTables.Key(def.Table)[0]))
            errors.Add("mapping", $"must map a column to {ImportTables.Key(def.Table)[0]}: {def.Table} are matched by {string.Join(" + ", ImportTables.Key(def.Table))} so that importing again updates them");
        errors.ThrowIfAny();
        return (columns, effective);
    }
}
