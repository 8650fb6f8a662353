using System.Net;
using Clientele.Modules.BackOffice;
using Clientele.Platform.Database;
using Clientele.Tests.Console;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;

namespace Clientele.Tests.BackOffice;

/// <summary>A host with Meta webhooks (to see them parked) and helpers for staff members and their sign-in.</summary>
public sealed class BackOfficeFixture : ChannelsFixture
{
    public const string StaffPassword = "staff password 2026";

    /// <summary>The product's own mail (staff replies) goes to a loopback SMTP sink.</summary>
    public Fakes.SmtpSink Smtp { get; private set; } = null!;

    protected override Dictionary<string, string?> Config
    {
        get
        {
            var c = base.Config;
            c["Smtp:Host"] = Smtp.Host;
            c["Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            c["Smtp:EnableSsl"] = "false";
            c["Smtp:FromAddress"] = "support@clientele.test";
            return c;
        }
    }

    public override async Task InitializeAsync()
    {
        Smtp = await Fakes.SmtpSink.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    public sealed record Staff(Guid Id, string Email, string Secret);

    /// <summary>A staff member made the way create-admin makes one (StaffAccounts on the owner connection).</summary>
    public async Task<Staff> StaffAsync(string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}@clientele.test";
        var created = await StaffAccounts.CreateAsync(App.Services.GetRequiredService<DatabaseSettings>(), App.Services.GetRequiredService<StaffTwoFactor>(),
            email, $"{role} person", role, StaffPassword, CancellationToken.None);
        return new Staff(created.Id, email, created.Secret);
    }

    public static string Code(Staff s, int stepsFromNow = 0) => StaffTwoFactor.CodeFor(s.Secret, DateTime.UtcNow.AddSeconds(30 * stepsFromNow));

    public CookieClient Cookies() =>
        new(new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = BaseAddress });

    /// <summary>Signs in at /admin/login with password and the current code; asserts it worked.</summary>
    public async Task<CookieClient> StaffClientAsync(Staff s)
    {
        var c = Cookies();
        var res = await c.PostFormAsync("/admin/login", new() { ["email"] = s.Email, ["password"] = StaffPassword, ["code"] = Code(s) });
        res.StatusCode.ShouldBe(HttpStatusCode.Redirect, await res.Content.ReadAsStringAsync());
        return c;
    }

    /// <summary>A tenant's console session (POST /login with the owner's credentials).</summary>
    public async Task<CookieClient> TenantConsoleAsync(Tenant t)
    {
        var c = Cookies();
        var res = await c.PostFormAsync("/login", new() { ["email"] = t.Email, ["password"] = t.Password });
        res.StatusCode.ShouldBe(HttpStatusCode.Redirect, await res.Content.ReadAsStringAsync());
        return c;
    }

    public async Task<long> CountAsync(string sql, params object[] args)
    {
        await using var conn = await OwnerAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

public static class RedirectAssertions
{
    /// <summary>The redirect's path (absolute or relative Location) is exactly this one.</summary>
    public static void ShouldPointTo(this Uri location, string path, string? because = null)
    {
        var actual = location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0];
        actual.ShouldBe(path, because);
    }
}
