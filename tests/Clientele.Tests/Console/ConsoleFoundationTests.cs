using System.Net;
using System.Text.RegularExpressions;
using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Console;

/// <summary>Issue 9 item 1 and the rules: sign-in, redirects, security headers, error pages, and the home page in Chromium.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleFoundationTests(ConsoleFixture app) : ConsoleTests(app)
{
    [Fact]
    public async Task The_root_sends_a_signed_out_browser_to_login_and_a_signed_in_one_to_the_console()
    {
        var t = await App.SignupAsync();
        using var anon = await App.CookieClientAsync();
        var res = await anon.Http.GetAsync("/");
        res.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        res.Headers.Location!.ToString().ShouldBe("/login");
        using var signedIn = await App.CookieClientAsync(t.Email);
        (await signedIn.Http.GetAsync("/")).Headers.Location!.ToString().ShouldBe("/app");
        var home = await signedIn.Http.GetAsync("/app");
        home.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await home.Content.ReadAsStringAsync()).ShouldContain("Open conversations");
    }

    [Fact]
    public async Task Console_pages_without_a_session_redirect_to_login_keeping_the_path_while_the_api_still_answers_401_problem_json()
    {
        using var anon = await App.CookieClientAsync();
        var page = await anon.Http.GetAsync("/app?filter=mine");
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().ShouldContain("/login?returnUrl=%2Fapp%3Ffilter%3Dmine");
        var api = await anon.Http.GetAsync("/api/v1/customers");
        api.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Sign_in_follows_only_a_local_return_url()
    {
        var t = await App.SignupAsync();
        using var c = await App.CookieClientAsync();
        var local = await c.PostFormAsync("/login?returnUrl=%2Fapp%2Finbox", new() { ["email"] = t.Email, ["password"] = ConsoleFixture.Password, ["returnUrl"] = "/app/inbox" });
        local.Headers.Location!.ToString().ShouldBe("/app/inbox");
        foreach (var evil in new[] { "//evil.example/x", "https://evil.example/", "/\\evil.example" })
        {
            using var c2 = await App.CookieClientAsync();
            var res = await c2.PostFormAsync("/login", new() { ["email"] = t.Email, ["password"] = ConsoleFixture.Password, ["returnUrl"] = evil });
            res.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            res.Headers.Location!.ToString().ShouldBe("/app", $"returnUrl {evil}");
        }
    }

    [Fact]
    public async Task A_wrong_password_says_so_and_repeated_failures_lock_the_account_even_for_the_right_password()
    {
        var t = await App.SignupAsync();
        using var c = await App.CookieClientAsync();
        var wrong = await c.PostFormAsync("/login", new() { ["email"] = t.Email, ["password"] = "not it" });
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var html = await wrong.Content.ReadAsStringAsync();
        html.ShouldContain("The email or password is wrong.");
        html.ShouldContain($"value=\"{t.Email}\""); // the form keeps the email
        var missing = await c.PostFormAsync("/login", new() { ["email"] = "", ["password"] = "" });
        ((int)missing.StatusCode).ShouldBe(422);
        (await missing.Content.ReadAsStringAsync()).ShouldContain("Enter your email address.");
        for (var i = 0; i < 2; i++) await c.PostFormAsync("/login", new() { ["email"] = t.Email, ["password"] = "still not it" });
        var locked = await c.PostFormAsync("/login", new() { ["email"] = t.Email, ["password"] = ConsoleFixture.Password });
        locked.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await locked.Content.ReadAsStringAsync()).ShouldContain("Too many failed sign-ins");
        locked.Headers.Location.ShouldBeNull();
    }

    [Fact]
    public async Task A_form_post_without_its_antiforgery_token_is_refused()
    {
        var t = await App.SignupAsync();
        using var c = await App.CookieClientAsync();
        var res = await c.PostFormAsync("/login", new() { ["email"] = t.Email, ["password"] = ConsoleFixture.Password }, withToken: false);
        res.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        res.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await c.Http.GetAsync("/app")).StatusCode.ShouldBe(HttpStatusCode.Redirect); // not signed in
    }

    [Fact]
    public async Task Console_responses_carry_a_csp_without_inline_scripts_and_the_other_security_headers()
    {
        var t = await App.SignupAsync();
        using var c = await App.CookieClientAsync(t.Email);
        foreach (var url in new[] { "/login", "/app", "/app/nothing-here" })
        {
            var res = await c.Http.GetAsync(url);
            var csp = res.Headers.GetValues("Content-Security-Policy").Single();
            csp.ShouldContain("script-src 'self'");
            csp.ShouldNotContain("unsafe-inline");
            csp.ShouldContain("frame-ancestors 'none'");
            res.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
            res.Headers.GetValues("Referrer-Policy").Single().ShouldBe("same-origin");
            var html = await res.Content.ReadAsStringAsync();
            Regex.IsMatch(html, @"<script(?![^>]*\bsrc=)[^>]*>").ShouldBeFalse($"{url} has an inline script");
        }
        var cookie = (await (await App.CookieClientAsync()).PostFormAsync("/login", new() { ["email"] = t.Email, ["password"] = ConsoleFixture.Password }))
            .Headers.GetValues("Set-Cookie").Single(x => x.StartsWith("clientele_session=", StringComparison.Ordinal));
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=lax", Case.Insensitive);
    }

    [Fact]
    public async Task A_missing_console_page_is_a_friendly_404_page_while_a_missing_api_route_stays_problem_json()
    {
        var t = await App.SignupAsync();
        using var c = await App.CookieClientAsync(t.Email);
        var page = await c.Http.GetAsync("/app/no-such-page");
        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await page.Content.ReadAsStringAsync()).ShouldContain("Page not found");
        var api = await c.Http.GetAsync("/api/v1/no-such-thing");
        api.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task In_the_browser_a_user_signs_in_sees_home_and_signs_out()
    {
        var t = await App.SignupAsync("Browser & <Co>");
        await using var login = await App.PageAsync();
        var page = login.Page;
        await page.GotoAsync("/app?from=test");
        await page.WaitForURLAsync(new Regex("/login\\?returnUrl="));
        await App.CheckPageAsync(login, "login");
        await page.GetByLabel("Email").FillAsync(t.Email);
        await page.GetByLabel("Password").FillAsync("wrong password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or password is wrong.");
        await App.CheckPageAsync(login, "login-wrong-password");

        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(t.Email);
        await page.GetByLabel("Password").FillAsync(ConsoleFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/app$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Today", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".org")).ToHaveTextAsync("Browser & <Co>");
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        foreach (var item in new[] { "Home", "Inbox", "Customers", "Approvals", "Agents", "Settings" })
            await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = item })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "0 Open conversations" })).ToHaveAttributeAsync("href", "/app/inbox?filter=all");
        await App.CheckPageAsync(login, "home-empty");

        await page.GotoAsync("/app/no-such-page");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await App.CheckPageAsync(login, "not-found");

        await page.GotoAsync("/app");
        await page.Locator(".user-menu summary").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/login$"));
        await page.GotoAsync("/app");
        await page.WaitForURLAsync(new Regex("/login\\?returnUrl=%2Fapp"));
    }
}
