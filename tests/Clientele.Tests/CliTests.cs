using System.Diagnostics;
using Clientele.Platform.Database;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>The CLI as an operator runs it: a separate process of the same Clientele.dll.</summary>
public sealed class CliTests
{
    internal static Task<(int Code, string Output)> RunAsync(string connection, params string[] args) => RunInAsync(connection, null, args);

    /// <summary>The CLI with CLIENTELE_HOME = home (a fresh folder when null): a test host's own home shares its key ring certificate.</summary>
    internal static async Task<(int Code, string Output)> RunInAsync(string connection, string? home, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Clientele.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["ConnectionStrings__Clientele"] = connection;
        psi.Environment["CLIENTELE_HOME"] = home ?? Path.Combine(Path.GetTempPath(), "clientele-cli-" + Guid.NewGuid().ToString("N"));
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task Migrate_then_create_org_and_an_api_key()
    {
        var conn = await TestCluster.CreateDatabaseAsync(template: null);
        var migrate = await RunAsync(conn, "migrate");
        migrate.Code.ShouldBe(0, migrate.Output);
        migrate.Output.ShouldContain("up to date");
        await using (var c = new NpgsqlConnection(conn))
        {
            await c.OpenAsync();
            ((long)(await new NpgsqlCommand("SELECT count(*) FROM schema_migrations", c).ExecuteScalarAsync())!).ShouldBe(Migrator.Embedded().Count);
        }

        var org = await RunAsync(conn, "create-org", "--name", "Globex", "--owner-name", "Hank Scorpio", "--email", $"hank-{Guid.NewGuid():N}@globex.test", "--password", "volcano-lair");
        org.Code.ShouldBe(0, org.Output);
        var orgId = System.Text.RegularExpressions.Regex.Match(org.Output, "Organization \"?([0-9a-f-]{36})").Groups[1].Value;
        orgId.ShouldNotBeEmpty(org.Output);
        org.Output.ShouldContain("clt_live_");

        var key = await RunAsync(conn, "create-api-key", "--organization", orgId, "--name", "ci", "--scopes", "read");
        key.Code.ShouldBe(0, key.Output);
        key.Output.Trim().Split('\n').Last().ShouldStartWith("clt_live_");

        // import: the CSV upserted by email with a progress bar; a second run updates the same rows.
        var csvPath = Path.Combine(Path.GetTempPath(), $"cli-leads-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csvPath, "email,name,company\nada@cli.test,Ada,Engines\ngrace@cli.test,Grace,Navy\n,Nobody,None\n");
        var imported = await RunAsync(conn, "import", "--organization", orgId, "--table", "leads", "--file", csvPath);
        imported.Code.ShouldBe(0, imported.Output);
        imported.Output.ShouldContain("2 created, 0 updated, 1 refused");
        imported.Output.ShouldContain("row 3: email");
        var again = await RunAsync(conn, "import", "--organization", orgId, "--table", "leads", "--file", csvPath);
        again.Output.ShouldContain("0 created, 2 updated, 1 refused");
        (await RunAsync(conn, "import", "--organization", orgId, "--table", "invoices", "--file", csvPath)).Code.ShouldBe(2);

        var missing = await RunAsync(conn, "create-org", "--name", "No owner");
        missing.Code.ShouldNotBe(0);
    }
}
