using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Clientele.Platform.Database;

/// <summary>
/// A private PostgreSQL cluster under a home folder, for a machine where nothing is
/// configured: found via PATH or /usr/lib/postgresql/*/bin, created with initdb on first use,
/// started with pg_ctl on a free loopback port, reused on the next start.
/// </summary>
public sealed class LocalPostgres
{
    private readonly string _home;
    private readonly string _binDir;
    private readonly int _maxConnections;
    private readonly string _extraOptions;
    private bool _startedByUs;

    /// <param name="maxConnections">The server's connection slots; a test run hosts dozens of apps on one cluster and needs more than one app does.</param>
    /// <param name="extraOptions">More server settings for pg_ctl -o (benchmarks: "-c shared_preload_libraries=pg_stat_statements").</param>
    public LocalPostgres(string home, int maxConnections = 200, string extraOptions = "")
    {
        _home = Path.GetFullPath(home);
        _maxConnections = maxConnections;
        _extraOptions = extraOptions;
        _binDir = FindBinDir() ?? throw new InvalidOperationException(
            "No PostgreSQL server binaries found (looked for initdb and pg_ctl on PATH and in /usr/lib/postgresql/*/bin). " +
            "Install PostgreSQL 15+ (for example `apt-get install -y postgresql`) or set ConnectionStrings__Clientele to an existing database.");
    }

    public string DataDir => Path.Combine(_home, "pgdata");
    public int Port { get; private set; }
    public string Password { get; private set; } = "";

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Password={Password};Database={database};Include Error Detail=true";

    private static bool RunningAsRoot => Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root";

    public static string? FindBinDir()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
                return dir;
        }
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            foreach (var dir in Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d, StringComparer.Ordinal))
            {
                var bin = Path.Combine(dir, "bin");
                if (File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
                    return bin;
            }
        }
        return null;
    }

    /// <summary>Creates the cluster if needed and starts it if it is not running. Returns true when it was created now.</summary>
    public async Task<bool> EnsureStartedAsync(CancellationToken ct = default)
    {
        Directory.CreateDirectory(_home);
        var passwordFile = Path.Combine(_home, "pg-password");
        var portFile = Path.Combine(_home, "pg-port");
        var created = false;
        if (!File.Exists(Path.Combine(DataDir, "PG_VERSION")))
        {
            if (Directory.Exists(DataDir)) Directory.Delete(DataDir, recursive: true);
            Password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            await File.WriteAllTextAsync(passwordFile, Password, ct);
            Directory.CreateDirectory(DataDir);
            GiveToPostgresUser(_home);
            await RunAsync("initdb", ["-D", DataDir, "-U", "postgres", "-E", "UTF8", "--locale=C", "--auth-local=trust",
                "--auth-host=scram-sha-256", "--pwfile=" + passwordFile], ct);
            created = true;
        }
        Password = (await File.ReadAllTextAsync(passwordFile, ct)).Trim();

        if (await IsRunningAsync(ct) && File.Exists(portFile))
        {
            Port = int.Parse(await File.ReadAllTextAsync(portFile, ct));
            return created;
        }
        Port = FreePort();
        await File.WriteAllTextAsync(portFile, Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        GiveToPostgresUser(_home);
        var options = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections={_maxConnections} -c fsync=off -c synchronous_commit=off {_extraOptions}";
        await RunAsync("pg_ctl", ["-D", DataDir, "-l", Path.Combine(_home, "postgres.log"), "-w", "-t", "60", "-o", options, "start"], ct);
        _startedByUs = true;
        return created;
    }

    public async Task StopAsync()
    {
        if (!_startedByUs) return;
        _startedByUs = false;
        try { await RunAsync("pg_ctl", ["-D", DataDir, "-m", "fast", "-w", "stop"], CancellationToken.None); }
        catch (InvalidOperationException) { /* already stopped */ }
    }

    private async Task<bool> IsRunningAsync(CancellationToken ct)
    {
        var (code, _) = await RunRawAsync("pg_ctl", ["-D", DataDir, "status"], ct);
        return code == 0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void GiveToPostgresUser(string path)
    {
        if (!RunningAsRoot) return;
        using var p = Process.Start(new ProcessStartInfo("chown", ["-R", "postgres:postgres", path]) { UseShellExecute = false });
        p?.WaitForExit();
    }

    private async Task RunAsync(string tool, string[] args, CancellationToken ct)
    {
        var (code, output) = await RunRawAsync(tool, args, ct);
        if (code != 0)
            throw new InvalidOperationException($"{tool} failed with exit code {code}:\n{output}\n(log: {Path.Combine(_home, "postgres.log")})");
    }

    private async Task<(int Code, string Output)> RunRawAsync(string tool, string[] args, CancellationToken ct)
    {
        var exe = Path.Combine(_binDir, tool);
        ProcessStartInfo psi;
        if (RunningAsRoot)
        {
            // PostgreSQL refuses to run as root: run the tools as the postgres OS user.
            psi = new ProcessStartInfo("runuser", ["-u", "postgres", "--", exe, .. args]);
        }
        else
        {
            psi = new ProcessStartInfo(exe, args);
        }
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {tool}");
        // pg_ctl start leaves the postmaster running with our pipes inherited, so do not wait for EOF.
        var stdout = p.StandardOutput.ReadLineAsync(ct).AsTask();
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        var output = (stdout.IsCompleted ? await stdout : "") + (stderr.IsCompleted ? await stderr : "");
        return (p.ExitCode, output);
    }
}
