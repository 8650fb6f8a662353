using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Razor;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using HeaderNames = Microsoft.Net.Http.Headers.HeaderNames;

namespace Clientele.Platform.WebConsole;

/// <summary>
/// The console: Razor Pages discovered in every module's Pages/ folder (absolute "/app/..." routes),
/// the layout and components in Platform/Console, static files from wwwroot in the build output,
/// security headers on every console response, and friendly error pages (ConsoleErrorPages).
/// </summary>
public static class ConsoleSetup
{
    public const string AntiforgeryHeader = "RequestVerificationToken";

    public static IServiceCollection AddClienteleConsole(this IServiceCollection services)
    {
        services.AddRazorPages(o =>
        {
            // Pages live in Modules/<Module>/Pages and Platform/Console/Pages; their @page routes are absolute.
            o.RootDirectory = "/";
            // The team page moved from settings to the main navigation; old links keep working.
            o.Conventions.AddPageRoute("/Modules/Team/Pages/TeamSettings", "app/settings/team");
        }).ConfigureApplicationPartManager(m =>
        {
            // The pages are compiled into this assembly, which is not the entry assembly under tests or tools.
            var assembly = typeof(ConsoleSetup).Assembly;
            if (!m.ApplicationParts.OfType<AssemblyPart>().Any(p => p.Assembly == assembly))
                foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly)) m.ApplicationParts.Add(part);
        });
        services.Configure<RazorViewEngineOptions>(o =>
        {
            // Layout, partials and components are found in Platform/Console whichever folder a page is in.
            o.PageViewLocationFormats.Add("/Platform/Console/{0}" + RazorViewEngine.ViewExtension);
            o.PageViewLocationFormats.Add("/Platform/Console/Components/{0}" + RazorViewEngine.ViewExtension);
        });
        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeader; // htmx requests send it (wwwroot/js/console.js)
            o.Cookie.Name = "clientele_af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddSingleton<ConsoleLive>();
        services.AddHostedService(sp => sp.GetRequiredService<ConsoleLive>());
        return services;
    }

    /// <summary>True for requests the console answers (pages, their assets); the API, webhooks and webchat keep their own rules.</summary>
    public static bool IsConsole(PathString path) =>
        path == "/" || path.StartsWithSegments("/app") || path.StartsWithSegments("/admin") || path.StartsWithSegments("/login") || path.StartsWithSegments("/logout")
        || path.StartsWithSegments("/lib") || path.StartsWithSegments("/css") || path.StartsWithSegments("/js") || path.StartsWithSegments("/error");

    /// <summary>Security headers and error pages for console paths; runs inside the API's error handling.</summary>
    public static void UseClienteleConsole(this WebApplication app)
    {
        app.UseWhen(ctx => IsConsole(ctx.Request.Path), b =>
        {
            b.Use(async (ctx, next) =>
            {
                ctx.Response.OnStarting(() =>
                {
                    var h = ctx.Response.Headers;
                    h.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                        + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
                    h.XContentTypeOptions = "nosniff";
                    h.XFrameOptions = "DENY";
                    h["Referrer-Policy"] = "same-origin";
                    if (!ctx.Request.Path.StartsWithSegments("/lib") && !ctx.Request.Path.StartsWithSegments("/css") && !ctx.Request.Path.StartsWithSegments("/js"))
                        h.CacheControl = "no-store";
                    return Task.CompletedTask;
                });
                await next(ctx);
            });
            b.UseMiddleware<ConsoleErrorPages>();
        });
        var webRoot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (Directory.Exists(webRoot))
        {
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(webRoot),
                ContentTypeProvider = new FileExtensionContentTypeProvider(),
                OnPrepareResponse = f => f.Context.Response.Headers[HeaderNames.CacheControl] = "public, max-age=3600",
            });
        }
    }

    public static void MapClienteleConsole(this WebApplication app)
    {
        app.MapGet("/", (HttpContext ctx) => Results.Redirect(ctx.User.Identity?.IsAuthenticated == true ? "/app" : "/login")).ExcludeFromDescription();
        app.MapRazorPages();
    }

    /// <summary>The token for the meta tag that console.js copies into htmx request headers.</summary>
    public static string RequestToken(HttpContext ctx) =>
        ctx.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(ctx).RequestToken ?? "";
}
