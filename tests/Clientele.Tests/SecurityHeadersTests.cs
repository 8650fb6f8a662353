using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>A host configured as behind a TLS-terminating proxy, with an operator key-ring certificate and signup set to reveal.</summary>
public sealed class HardenedHostFixture : AppFixture
{
    private static readonly (byte[] Pfx, byte[] Raw) Certificate = MakeCertificate();
    public static byte[] CertificatePfx => Certificate.Pfx;
    public static string CertificateBase64 => Convert.ToBase64String(Certificate.Raw);

    private static (byte[] Pfx, byte[] Raw) MakeCertificate()
    {
        using var rsa = RSA.Create(2048);
        using var cert = new CertificateRequest("CN=Test key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return (cert.Export(X509ContentType.Pfx), cert.RawData);
    }

    protected override Dictionary<string, string?> Config => new()
    {
        ["Security:KnownProxies"] = "127.0.0.1",
        ["Signup:ExistingEmail"] = "reveal",
        ["DataProtection:Certificate"] = Convert.ToBase64String(CertificatePfx),
        ["Auth:LockoutThreshold"] = "3",
    };
}

/// <summary>Issue 8 items 5, 8 and 9: headers, forwarded HTTPS, the encrypted key ring, lockout and the reveal setting.</summary>
public sealed class SecurityHeadersTests(HardenedHostFixture app) : IClassFixture<HardenedHostFixture>
{
    [Fact]
    public async Task Every_answer_says_nosniff_and_names_no_server()
    {
        var t = await app.SignupAsync();
        foreach (var (client, url) in new[] { (app.Client(), "/api/v1/me"), (t.Http, "/api/v1/customers"), (app.Client(), "/widget.js"), (app.Client(), "/docs/index.html") })
        {
            var res = await client.GetAsync(url);
            res.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"], url);
            res.Headers.Contains("Server").ShouldBeFalse(url);
        }
    }

    [Fact]
    public async Task Html_pages_carry_a_content_security_policy_that_forbids_framing()
    {
        var t = await app.SignupAsync();
        var number = await t.Http.PostJsonAsync("/api/v1/phone_numbers", new { platform = "webchat", meta_phone_number_id = "website", display_name = "Website" });
        foreach (var url in new[] { "/docs/index.html", $"/webchat/{number.Json!["public_key"]!.GetValue<string>()}/try" })
        {
            var res = await app.Client().GetAsync(url);
            res.StatusCode.ShouldBe(HttpStatusCode.OK, url);
            res.Content.Headers.ContentType!.MediaType.ShouldBe("text/html", url);
            var csp = string.Join(";", res.Headers.GetValues("Content-Security-Policy"));
            csp.ShouldContain("frame-ancestors 'none'");
            csp.ShouldContain("script-src 'self'");
        }
        (await app.Client().GetAsync("/api/v1/me")).Headers.Contains("Content-Security-Policy").ShouldBeFalse(); // JSON needs none
    }

    [Fact]
    public async Task Answers_that_carry_a_secret_are_never_stored()
    {
        var t = await app.SignupAsync(); // the signup answer itself is checked in AuthTests
        var key = await t.Http.PostJsonAsync("/api/v1/api_keys", new { name = "k", scopes = new[] { "read" } });
        key.Response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var list = await t.Http.GetJsonAsync("/api/v1/customers");
        (list.Response.Headers.CacheControl?.NoStore ?? false).ShouldBeFalse();
    }

    [Fact]
    public async Task Behind_a_known_proxy_over_https_cookies_are_secure_and_hsts_is_sent()
    {
        var t = await app.SignupAsync();
        var browser = app.Browser();
        var plain = await browser.PostJsonAsync("/api/v1/auth/login", new { email = t.Email, password = t.Password });
        plain.Response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("clientele_session=")).ShouldNotContain("secure");
        plain.Response.Headers.Contains("Strict-Transport-Security").ShouldBeFalse();

        var tls = await app.Browser().PostJsonAsync("/api/v1/auth/login", new { email = t.Email, password = t.Password },
            r => r.Headers.Add("X-Forwarded-Proto", "https"));
        tls.Status.ShouldBe(HttpStatusCode.OK);
        tls.Response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("clientele_session=")).ShouldContain("secure");
        tls.Response.Headers.GetValues("Strict-Transport-Security").Single().ShouldStartWith("max-age=");
    }

    [Fact]
    public async Task The_key_ring_is_stored_encrypted_with_the_operators_certificate()
    {
        var t = await app.SignupAsync();
        (await app.Browser().PostJsonAsync("/api/v1/auth/login", new { email = t.Email, password = t.Password })).Status.ShouldBe(HttpStatusCode.OK); // the cookie needs a key
        await using var conn = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand("SELECT xml FROM data_protection_keys", conn);
        var rows = new List<string>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) rows.Add(r.GetString(0));
        rows.ShouldNotBeEmpty();
        foreach (var xml in rows)
        {
            xml.ShouldContain("EncryptedData");
            xml.ShouldNotContain("<value>"); // the unencrypted form keeps the master key in <value>
            xml.ShouldContain(HardenedHostFixture.CertificateBase64); // KeyInfo names the certificate that can decrypt it
        }
    }

    [Fact]
    public async Task Repeated_failures_lock_an_account_and_an_unknown_email_exactly_alike()
    {
        var t = await app.SignupAsync();
        foreach (var email in new[] { t.Email, $"nobody-{Guid.NewGuid():N}@x.test" })
        {
            var browser = app.Browser();
            for (var i = 0; i < 3; i++)
                (await browser.PostJsonAsync("/api/v1/auth/login", new { email, password = "wrong password" })).ShouldBeProblem(401);
            var locked = await browser.PostJsonAsync("/api/v1/auth/login", new { email, password = t.Password });
            locked.ShouldBeProblem(429);
            int.Parse(locked.Response.Headers.GetValues("Retry-After").Single()).ShouldBeGreaterThan(0);
        }
    }

    [Fact]
    public async Task With_signup_set_to_reveal_an_existing_email_is_a_409()
    {
        var t = await app.SignupAsync();
        (await app.Client().PostJsonAsync("/api/v1/signup", new { organization_name = "Dup", name = "x", email = t.Email, password = "long enough pw" })).ShouldBeProblem(409);
    }
}
