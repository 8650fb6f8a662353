using Clientele.Platform.Database;
using Clientele.Platform.Jobs;
using Stripe;

namespace Clientele.Modules.Billing.Platform;

/// <summary>
/// Applies one recorded Stripe event (outbox topic billing.stripe_event) in its organization's
/// transaction, once: processed_at marks it done, so a retried job changes nothing twice.
/// </summary>
public sealed class StripeEventJob(StripeSettings settings) : IJobHandler
{
    public sealed record Payload(Guid StripeEventsId);

    public string Topic => StripeWebhookApi.Topic;

    public async Task HandleAsync(JobContext job, CancellationToken ct)
    {
        var s = job.Session;
        var id = job.Read<Payload>().StripeEventsId;
        var row = await s.ReadFirstAsync("SELECT payload::text, processed_at IS NOT NULL FROM stripe_events WHERE organization_id = $1 AND id = $2 FOR UPDATE",
            [s.OrganizationId, id], r => (Json: r.GetString(0), Done: r.GetBoolean(1)), ct);
        if (row.Json is null || row.Done) return;
        var e = EventUtility.ParseEvent(row.Json, throwOnApiVersionMismatch: false);
        var outcome = await StripeEventApplier.ApplyAsync(s, e, settings, ct);
        await s.ExecuteAsync("UPDATE stripe_events SET processed_at = now(), outcome = $3 WHERE organization_id = $1 AND id = $2", [s.OrganizationId, id, outcome], ct);
    }
}
