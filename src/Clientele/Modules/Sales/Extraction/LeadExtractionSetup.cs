using Clientele.Modules.Conversations;
using Clientele.Modules.Sales.Booking;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>
/// Lead extraction and demo booking in conversations (docs/ai.md, "Lead extraction and booking"):
/// extractions every N customer messages, after inactivity and on POST /conversations/{id}/extract;
/// the conversation's leads row; Hot leads notified; demo slots offered and booked in the chat.
/// Composed by SalesModule (DESIGN.md §1: Sales owns leads, with their extraction from chats and demo booking).
/// </summary>
public static class LeadExtractionSetup
{
    public static void AddServices(IServiceCollection services, IConfiguration config)
    {
        // Throws InvalidOperationException on a bad Leads__… setting: `serve` prints it and exits.
        services.AddSingleton(LeadOptions.From(config));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LeadExtractor>();
        services.AddSingleton<ExtractionTriggers>();
        services.AddSingleton<DemoBooking>();
        // Priority 20: wraps the agents' reply (AgentReplyGenerator, 10). LeadExtractionJob is found by OutboxWorker's scan.
        services.AddSingleton<IReplyGenerator, LeadReplyGenerator>();
    }

    public static void MapEndpoints(RouteGroupBuilder api) => ExtractApi.Map(api);
}
