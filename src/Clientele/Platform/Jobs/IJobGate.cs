namespace Clientele.Platform.Jobs;

/// <summary>
/// Asked before a claimed row's handler runs, in the job's transaction: throw a
/// <see cref="RetryLaterException"/> (countsAsAttempt: false) to hold the row back without using an
/// attempt, e.g. the inbound events of a suspended organization (BackOffice's SuspendedOrganizationGate).
/// </summary>
public interface IJobGate
{
    Task CheckAsync(JobContext job, CancellationToken ct);
}
