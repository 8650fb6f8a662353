using System.Globalization;
using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Platform.WebConsole;

/// <summary>
/// A record that has no console page of its own yet (a lead, a prospect: their module's pages come
/// with the sales issue) shown read-only as labelled facts, so that the global search never links
/// to a 404. Rendered by Platform/Console/_ReadOnlyRecord.cshtml.
/// </summary>
public sealed record ReadOnlyRecord(string Kind, string Title, IReadOnlyList<(string Label, string? Value, string? Href)> Facts, string BackHref, string BackText)
{
    /// <summary>Reads the first row of the query ($1 organization, $2 id) as facts labelled by labels (null: not shown); null when there is no row.</summary>
    public static async Task<List<(string Label, string? Value)>?> ReadAsync(TenantSession s, string sql, Guid id, string[] labels, CancellationToken ct)
    {
        await using var r = await s.ReadAsync(sql, [new NpgsqlParameter { Value = s.OrganizationId }, new NpgsqlParameter { Value = id }], ct);
        if (!await r.ReadAsync(ct)) return null;
        var facts = new List<(string, string?)>();
        for (var i = 0; i < labels.Length; i++) facts.Add((labels[i], r.IsDBNull(i) ? null : Text(r.GetValue(i))));
        return facts;
    }

    private static string Text(object v) => v switch
    {
        DateTime t => t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC",
        decimal d => d.ToString("0.##", CultureInfo.InvariantCulture),
        bool b => b ? "yes" : "no",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
