using Clientele.Platform.Jobs;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>
/// lead.extract: an automatic extraction (see <see cref="ExtractionTriggers"/>). "messages" runs when
/// N customer messages are still unextracted; "inactivity" runs once the last customer message is
/// Leads__ExtractAfterIdleMinutes old and something is unextracted, and otherwise re-arms itself for
/// when that will be. Both re-check under the conversation's row lock, so duplicates do nothing.
/// </summary>
public sealed class LeadExtractionJob(LeadExtractor extractor, ExtractionTriggers triggers, LeadOptions options, TimeProvider clock) : IJobHandler
{
    public const string TopicName = "lead.extract";
    public string Topic => TopicName;

    public sealed record Payload(Guid ConversationId, string Trigger);

    public async Task HandleAsync(JobContext job, CancellationToken ct)
    {
        var s = job.Session;
        var p = job.Read<Payload>();
        var counts = await ExtractionTriggers.CountsAsync(s, p.ConversationId, ct);
        if (counts is null) return;
        var unextracted = counts.CustomerMessages - counts.AtLastExtraction;
        if (p.Trigger == LeadExtractor.Inactivity)
        {
            var due = (counts.LastCustomerMessageAt ?? clock.GetUtcNow()) + options.IdleAfter;
            if (unextracted <= 0) { await ExtractionTriggers.SetIdleCheckAsync(s, p.ConversationId, null, ct); return; }
            if (due > clock.GetUtcNow()) { await triggers.ArmIdleCheckAsync(s, p.ConversationId, due, ct); return; }
            await ExtractionTriggers.SetIdleCheckAsync(s, p.ConversationId, null, ct);
        }
        else if (unextracted < options.ExtractEveryMessages) return;

        var snapshot = await ConversationSnapshot.LoadAsync(s, p.ConversationId, ct);
        if (snapshot is null || snapshot.CustomerMessageCount == 0) return;
        await extractor.ExtractAsync(s, snapshot, p.Trigger, ct);
    }
}
