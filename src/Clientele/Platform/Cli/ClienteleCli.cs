using System.CommandLine;
using Clientele.Modules.BackOffice;
using Clientele.Platform.Auth;
using Clientele.Platform.Database;
using Clientele.Platform.Demo;
using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Out = System.Console;
using Microsoft.AspNetCore.Http;

namespace Clientele.Platform.Cli;

/// <summary>The command line: serve (default), migrate, create-org, create-api-key, create-admin, seed-demo, import.</summary>
public static class ClienteleCli
{
    private static readonly string[] Commands = ["migrate", "create-org", "create-api-key", "seed-demo", "create-admin", "import", "--help", "-h", "-?", "--version"];

    public static async Task<int> RunAsync(string[] args)
    {
        // Anything that is not a CLI command is the web host's own arguments (--urls, --Key=value ...).
        if (args.Length == 0 || !Commands.Contains(args[0]))
            return await ServeAsync(args.Length > 0 && args[0] == "serve" ? args[1..] : args);

        var root = new RootCommand("Clientele: conversations, billing, success and pipeline of every customer in one platform.");
        root.Subcommands.Add(new Command("serve", "Run the API and console (the default command)."));

        var migrate = new Command("migrate", "Apply pending SQL migrations to ConnectionStrings__Clientele (or the local cluster) and exit.");
        migrate.SetAction(async (_, ct) =>
        {
            using var loggers = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true));
            var config = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            var db = await DatabaseBootstrap.PrepareAsync(config, loggers, migrate: true, ct);
            Out.WriteLine($"Database is up to date ({Migrator.Embedded().Count} migrations).");
            if (db.Local is not null) await db.Local.StopAsync();
            return 0;
        });
        root.Subcommands.Add(migrate);

        var orgName = new Option<string>("--name") { Description = "Organization name", Required = true };
        var ownerName = new Option<string>("--owner-name") { Description = "Owner's full name", Required = true };
        var email = new Option<string>("--email") { Description = "Owner's email (login)", Required = true };
        var password = new Option<string>("--password") { Description = "Owner's password (8+ characters)", Required = true };
        var createOrg = new Command("create-org", "Create an organization with its owner and print its first API key.") { orgName, ownerName, email, password };
        createOrg.SetAction(async (p, ct) => await WithAppAsync(async sp =>
        {
            var json = await AuthApi.CreateOrganizationAsync(sp, new TenantContext { ActorType = "system" }, p.GetValue(orgName)!, p.GetValue(ownerName)!, p.GetValue(email)!, p.GetValue(password)!, ct);
            Out.WriteLine($"Organization {json["organization"]!["id"]} created.");
            Out.WriteLine($"API key (shown once): {json["api_key"]!["key"]}");
            return 0;
        }));
        root.Subcommands.Add(createOrg);

        var org = new Option<Guid>("--organization") { Description = "Organization id", Required = true };
        var keyName = new Option<string>("--name") { Description = "Key name", DefaultValueFactory = _ => "CLI key" };
        var scopes = new Option<string>("--scopes") { Description = "Comma-separated: read, write, admin", DefaultValueFactory = _ => "read,write" };
        var createKey = new Command("create-api-key", "Create an API key for an organization and print it once.") { org, keyName, scopes };
        createKey.SetAction(async (p, ct) => await WithAppAsync(async sp =>
        {
            var key = await ApiKeyCommands.CreateAsync(sp, p.GetValue(org), p.GetValue(keyName)!, p.GetValue(scopes)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), ct);
            Out.WriteLine(key);
            return 0;
        }));
        root.Subcommands.Add(createKey);

        var staffEmail = new Option<string>("--email") { Description = "Staff member's email (login)", Required = true };
        var staffName = new Option<string>("--name") { Description = "Staff member's full name", Required = true };
        var staffRole = new Option<string>("--role") { Description = "super_admin, admin, support, billing or read_only", Required = true };
        var staffPassword = new Option<string>("--password") { Description = "Password (12+ characters)", Required = true };
        var createAdmin = new Command("create-admin", "Create a back office (/admin) staff member and print the two-factor secret once.") { staffEmail, staffName, staffRole, staffPassword };
        createAdmin.SetAction(async (p, ct) =>
        {
            var errors = StaffAccounts.Validate(p.GetValue(staffEmail)!, p.GetValue(staffName)!, p.GetValue(staffRole)!, p.GetValue(staffPassword)!);
            if (errors.Count > 0)
            {
                foreach (var e in errors) await Console.Error.WriteLineAsync(e);
                return 2;
            }
            return await WithAppAsync(async sp =>
            {
                try
                {
                    var created = await StaffAccounts.CreateAsync(sp.GetRequiredService<DatabaseSettings>(), sp.GetRequiredService<StaffTwoFactor>(),
                        p.GetValue(staffEmail)!, p.GetValue(staffName)!, p.GetValue(staffRole)!, p.GetValue(staffPassword)!, ct);
                    Out.WriteLine($"Staff member {created.Id} created ({p.GetValue(staffRole)}). Sign in at /admin/login.");
                    Out.WriteLine("Two-factor: add this to an authenticator app now; it is shown once.");
                    Out.WriteLine($"  Secret:      {created.Secret}");
                    Out.WriteLine($"  otpauth URI: {created.OtpAuthUri}");
                    return 0;
                }
                catch (InvalidOperationException e)
                {
                    await Console.Error.WriteLineAsync(e.Message);
                    return 1;
                }
            });
        });
        root.Subcommands.Add(createAdmin);

        var seed = new Command("seed-demo", "Create the demo organization with realistic data (once) and print its credentials.");
        seed.SetAction(async (_, ct) => await WithAppAsync(async sp =>
        {
            var demo = await DemoSeeder.EnsureAsync(sp, ct);
            Out.WriteLine(demo.Describe());
            return 0;
        }));
        root.Subcommands.Add(seed);
        root.Subcommands.Add(Modules.Sales.Imports.ImportCommand.Create(WithAppAsync));

        return await root.Parse(args).InvokeAsync();
    }

    private static async Task<int> WithAppAsync(Func<IServiceProvider, Task<int>> work)
    {
        await using var app = await ClienteleHost.BuildAsync([], b => b.Configuration["Logging:Json"] = "false");
        try { return await work(app.Services); }
        finally
        {
            if (app.Services.GetRequiredService<DatabaseBootstrap.Result>().Local is { } local) await local.StopAsync();
        }
    }

    private static async Task<int> ServeAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = await ClienteleHost.BuildAsync(args);
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync("Clientele could not start: " + e.Message);
            return 1;
        }
        var db = app.Services.GetRequiredService<DatabaseBootstrap.Result>();
        var config = app.Services.GetRequiredService<IConfiguration>();
        DemoSeeder.Credentials? demo = null;
        if (db.Local is not null || config.GetValue("Demo:SeedOnStart", false))
            demo = await DemoSeeder.EnsureAsync(app.Services, CancellationToken.None);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var url = urls.FirstOrDefault() ?? "http://localhost:5000";
            Out.WriteLine();
            Out.WriteLine($"  Clientele is running at {url}");
            Out.WriteLine(demo is null ? $"  Console:    {url}" : $"  Console:    open {url} and sign in with {demo.Email} / {demo.Password ?? "(the password in .clientele/demo-credentials.json)"}");
            Out.WriteLine($"  API docs:   {url}/docs   (OpenAPI: {url}/openapi/v1.json)");
            if (db.Local is not null) Out.WriteLine($"  Database:   local PostgreSQL in {db.Local.DataDir} (port {db.Local.Port})");
            if (demo is not null)
            {
                Out.WriteLine(demo.Describe());
                if (demo.WebchatKey is not null) Out.WriteLine($"  Webchat:    {url}/webchat/{demo.WebchatKey}/try   (the demo's website chat)");
                Out.WriteLine($"  Try:        curl -H 'Authorization: Bearer {demo.ApiKey}' {url}/api/v1/customers?limit=3");
            }
            Out.WriteLine();
        });
        await app.RunAsync();
        return 0;
    }
}
