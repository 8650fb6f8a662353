using System.Diagnostics;
using System.Text.RegularExpressions;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>
/// docs/seed-mapping.md against the migrated database: every seed column (as listed by
/// shared/tools/seed_columns.py) must exist where the mapping says, so the two cannot drift.
/// </summary>
public sealed partial class SeedMappingTests
{
    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Clientele.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private sealed record Rule(string Table, Dictionary<string, string> Renamed, HashSet<string> Dropped);

    private static Dictionary<(string Seed, string Table), Rule> ReadMapping(string path)
    {
        var rules = new Dictionary<(string, string), Rule>();
        var inTable = false;
        foreach (var line in File.ReadLines(path))
        {
            if (!line.StartsWith('|')) { inTable = false; continue; }
            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length >= 5 && cells[0] == "seed" && cells[1] == "seed table") { inTable = true; continue; }
            if (!inTable || cells.Length < 5 || cells[0].StartsWith('-')) continue;
            var renamed = new Dictionary<string, string>();
            foreach (Match m in RenameRegex().Matches(cells[3])) renamed[m.Groups[1].Value] = m.Groups[2].Value;
            var dropped = DropRegex().Matches(cells[4]).Select(m => m.Groups[1].Value).ToHashSet();
            rules[(cells[0].Trim('`')[..3], cells[1].Trim('`'))] = new Rule(cells[2].Trim('`'), renamed, dropped);
        }
        return rules;
    }

    [GeneratedRegex(@"`?([a-z_0-9]+)`?\s*(?:→|->)\s*`?([a-z_0-9.]+)`?")]
    private static partial Regex RenameRegex();
    [GeneratedRegex(@"`?([a-z_][a-z_0-9]*)`?\s*\[")]
    private static partial Regex DropRegex();

    [Fact]
    public async Task Every_seed_column_exists_where_the_mapping_says()
    {
        var root = RepoRoot();
        var seeds = Path.Combine(root, "..", "shared", "seeds");
        var tool = Path.Combine(root, "..", "shared", "tools", "seed_columns.py");
        File.Exists(tool).ShouldBeTrue($"{tool} is missing: shared/ must sit beside the repository");
        var psi = new ProcessStartInfo("python3", [tool, seeds]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        p.ExitCode.ShouldBe(0, await p.StandardError.ReadToEndAsync());
        var seedColumns = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).Where(c => c.Length >= 3)
            .Select(c => (Seed: c[0][..3], Table: c[1], Column: c[2])).ToList();
        seedColumns.Count.ShouldBeGreaterThan(1000);

        var live = new HashSet<(string, string)>();
        await using (var conn = new NpgsqlConnection(await TestCluster.CreateDatabaseAsync()))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'", conn);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) live.Add((r.GetString(0), r.GetString(1)));
        }

        var rules = ReadMapping(Path.Combine(root, "docs", "seed-mapping.md"));
        var problems = new List<string>();
        foreach (var (seed, table, column) in seedColumns)
        {
            if (!rules.TryGetValue((seed, table), out var rule) && !rules.TryGetValue((seed, "*"), out rule))
            {
                problems.Add($"{seed} {table}: no row in docs/seed-mapping.md");
                continue;
            }
            if (rule.Dropped.Contains(column)) continue;
            var target = rule.Renamed.TryGetValue(column, out var renamed) ? renamed : column;
            var (t, c) = target.Contains('.') ? (target.Split('.')[0], target.Split('.')[1]) : (rule.Table, target);
            if (!live.Contains((t, c))) problems.Add($"{seed} {table}.{column} → {t}.{c}: not in the database");
        }
        problems.Distinct().ToList().ShouldBeEmpty(string.Join("\n", problems.Distinct()));
    }
}
