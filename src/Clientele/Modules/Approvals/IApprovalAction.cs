using System.Text.Json.Nodes;
using Clientele.Platform.Database;

namespace Clientele.Modules.Approvals;

/// <summary>
/// An approvable action another module proposes into the one queue (a save play, ...): the
/// approvals row's metadata.proposal.type names it, and on approval it runs here in the decision's
/// transaction. What it runs on is in the approval's own metadata, so what runs is what was shown.
/// </summary>
public interface IApprovalAction
{
    string Type { get; }

    /// <summary>Runs the approved action; the result lands in approvals.metadata.execution.result. Throw to record a failure.</summary>
    Task<JsonObject> ExecuteAsync(TenantSession s, Guid approvalId, Guid customerId, Guid approverId, CancellationToken ct);
}
