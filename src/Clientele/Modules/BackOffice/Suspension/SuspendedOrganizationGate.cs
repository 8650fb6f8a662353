using Clientele.Platform.Jobs;

namespace Clientele.Modules.BackOffice.Suspension;

/// <summary>
/// Parks a suspended organization's inbound events: the webhook was acknowledged and the event
/// stored, but its job waits (no attempt used) until the organization is unsuspended, which makes
/// them due again at once (<see cref="OrganizationSuspension"/>). The long wait is only a safety net.
/// </summary>
public sealed class SuspendedOrganizationGate(SuspensionState suspension) : IJobGate
{
    public static readonly TimeSpan RecheckAfter = TimeSpan.FromMinutes(10);

    public async Task CheckAsync(JobContext job, CancellationToken ct)
    {
        if (!job.Topic.StartsWith("inbound.", StringComparison.Ordinal)) return;
        if ((await suspension.GetAsync(job.Session.OrganizationId, ct)).Suspended)
            throw new RetryLaterException("parked: the organization is suspended", RecheckAfter, countsAsAttempt: false);
    }
}
