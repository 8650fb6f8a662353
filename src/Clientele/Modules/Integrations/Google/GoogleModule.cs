using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clientele.Modules.Integrations.Google;

/// <summary>
/// Google Calendar (issue 5, meeting booking; docs/integrations-google.md): connecting an account
/// with the OAuth code flow (tokens encrypted in google_tokens, refreshed under a row lock), free
/// slots from free/busy, and booking events with a Google Meet link recorded as meetings rows.
/// MeetingScheduler is the service the AI agents and approval flows call.
/// </summary>
public sealed class GoogleModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GoogleOptions>();
        // Validated at start: a bad Calendar__… setting stops the host with a message.
        services.AddSingleton(new CalendarOptions(config));
        services.AddSingleton<GoogleHttp>();
        services.AddSingleton<GoogleOAuthState>();
        services.AddSingleton<GoogleOAuthClient>();
        services.AddSingleton<GoogleTokenProvider>();
        services.AddSingleton<GoogleCalendarClient>();
        services.AddSingleton<MeetingScheduler>();
        // Polly times each attempt out; this only bounds a request that ignores cancellation.
        services.AddHttpClient(GoogleHttp.ClientName, c => c.Timeout = TimeSpan.FromMinutes(5));
    }

    public void MapEndpoints(RouteGroupBuilder api)
    {
        GoogleConnectApi.Map(api);
        MeetingBookingApi.Map(api);
    }

    public void MapRoot(IEndpointRouteBuilder app) => GoogleCallbackApi.Map(app);
}
