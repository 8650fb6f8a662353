using Clientele.Modules.Conversations;
using Clientele.Modules.Sales.Booking;
using Clientele.Platform.Database;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>
/// The sales step around the agents' reply. AgentReplyJob asks the highest-priority IReplyGenerator;
/// this one (priority 20) wraps the next one down (the orchestration's AgentReplyGenerator, 10):
/// a message that continues a demo booking (a slot pick, the email) is answered here without a model
/// call; any other message gets the agents' answer, with free demo slots added when the customer asked
/// for a demo (never on an escalation). Then the extraction triggers are checked. Same transaction
/// as the reply, conversation row locked by the job.
/// </summary>
public sealed class LeadReplyGenerator(IServiceProvider services, DemoBooking booking, ExtractionTriggers triggers) : IReplyGenerator
{
    private IReplyGenerator? _inner;

    public int Priority => 20;

    /// <summary>The generator this one wraps, resolved on first use (resolving IReplyGenerator in the constructor would include itself).</summary>
    private IReplyGenerator Inner => _inner ??= services.GetServices<IReplyGenerator>()
        .Where(g => g is not LeadReplyGenerator && g.Priority < Priority).OrderByDescending(g => g.Priority).First();

    public async Task<AgentReply?> ReplyAsync(TenantSession s, ReplyRequest request, CancellationToken ct)
    {
        // Read once: the agents' answer in between changes neither the message's CTA nor the booking.
        var turn = await booking.LoadTurnAsync(s, request, ct);
        var reply = await booking.ContinueAsync(s, request, turn, ct);
        if (reply is null)
        {
            reply = await Inner.ReplyAsync(s, request, ct);
            if (reply is null) return null;
            if (reply.Metadata?["escalation"] is null) reply = await booking.OfferIfAskedAsync(s, request, reply, turn, ct);
        }
        await triggers.AfterCustomerMessageAsync(s, request.ConversationId, ct);
        return reply;
    }
}
