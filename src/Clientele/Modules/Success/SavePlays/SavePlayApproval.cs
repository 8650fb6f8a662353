using System.Text.Json.Nodes;
using Clientele.Modules.Success.Copilot;
using Clientele.Modules.Approvals;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Events;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Success.SavePlays;

/// <summary>
/// Runs an approved save-play proposal: creates the save_plays row exactly as proposed (issue,
/// root cause, action plan, success criteria, deadline, owner, ARR at risk, playbook), and turns
/// its money step into its own pending apply_credit approval: a credit is granted only when that
/// second approval is approved too.
/// </summary>
public sealed class SavePlayApproval : IApprovalAction
{
    public string Type => SavePlayProposer.ActionType;

    public async Task<JsonObject> ExecuteAsync(TenantSession s, Guid approvalId, Guid customerId, Guid approverId, CancellationToken ct)
    {
        var json = await s.ScalarAsync<string>("SELECT (metadata->'save_play')::text FROM approvals WHERE organization_id = $1 AND id = $2", [s.OrganizationId, approvalId], ct);
        if (JsonNode.Parse(json ?? "null") is not JsonObject p) throw ProblemException.Conflict("The approval holds no save play.");
        if (await s.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM save_plays WHERE organization_id = $1 AND customer_id = $2 AND status IN ('open', 'in_progress'))",
                [s.OrganizationId, customerId], ct))
            throw ProblemException.Conflict("The customer already has a save play in flight; reject this proposal or close that save play first.");
        var id = Guid.CreateVersion7();
        Guid? G(string k) => Guid.TryParse(p[k]?.ToString(), out var g) ? g : null;
        var owner = G("owner_id") ?? approverId;
        var playbook = G("playbook_id");
        if (playbook is { } pb && !await s.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM csm_playbooks WHERE organization_id = $1 AND id = $2)", [s.OrganizationId, pb], ct))
            playbook = null; // deleted since the proposal
        await s.ExecuteAsync("""
            INSERT INTO save_plays (id, organization_id, customer_id, playbook_id, status, risk_level, primary_issue, root_cause, action_plan, success_criteria,
                                    deadline, owner_id, escalation_level, arr_at_risk)
            VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8, $9, $10::date, $11, $12, $13)
            """, [id, s.OrganizationId, customerId, SqlArg.Uuid(playbook), p["risk_level"]?.ToString() ?? "high", SqlArg.Text(p["primary_issue"]?.ToString()),
                SqlArg.Text(p["root_cause"]?.ToString()), p["action_plan"]?.DeepClone() ?? new JsonArray(), SqlArg.Text(p["success_criteria"]?.ToString()),
                SqlArg.Text(p["deadline"]?.ToString()), owner, p["risk_level"]?.ToString() == "critical" ? 2 : 1,
                p["arr_at_risk"] is JsonValue v && v.TryGetValue<decimal>(out var arr) ? arr : 0m], ct);
        await AuditWriter.WriteAsync(s, "save_plays", id, "create", new JsonObject { ["after"] = new JsonObject { ["approval_id"] = approvalId.ToString(), ["customer_id"] = customerId.ToString() } }, ct);
        await DomainEvents.PublishRowAsync(s, "save_plays", id, ct, null, "save_plays.created", "save_play.created");
        var result = new JsonObject { ["save_play_id"] = id.ToString(), ["playbook_id"] = playbook?.ToString() };
        if (p["credit"] is JsonObject credit && credit["amount"] is JsonValue a && a.TryGetValue<decimal>(out var amount) && amount > 0)
            result["credit_approval_id"] = (await ProposeCreditAsync(s, id, customerId, credit, amount, ct)).ToString();
        return result;
    }

    /// <summary>The save play's credit as a copilot-style apply_credit approval (ActionExecutor runs it when approved).</summary>
    private static async Task<Guid> ProposeCreditAsync(TenantSession s, Guid savePlayId, Guid customerId, JsonObject credit, decimal amount, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var proposal = new ProposedAction(ProposedAction.ApplyCredit, Amount: amount, Currency: credit["currency"]?.ToString() ?? "USD",
            CreditType: credit["credit_type"]?.ToString() ?? "goodwill", Reason: credit["reason"]?.ToString());
        var details = $"Apply a {amount:0.00} {proposal.Currency} {proposal.CreditType} credit (save play step)";
        var metadata = new JsonObject
        {
            ["customer_id"] = customerId.ToString(), ["proposal"] = proposal.ToJson(), ["save_play_id"] = savePlayId.ToString(), ["source"] = "save_play",
            ["expires_at"] = DateTime.UtcNow.AddDays(14).ToString("O"),
        };
        await s.ExecuteAsync("INSERT INTO approvals (id, organization_id, agent_id, action, details, status, metadata) VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
            [id, s.OrganizationId, SavePlayProposer.AgentId, ProposedAction.ApplyCredit, details, metadata], ct);
        await DomainEvents.PublishRowAsync(s, "approvals", id, ct, null, "approval.requested");
        await AuditWriter.WriteAsync(s, "approvals", id, "create", new JsonObject { ["after"] = new JsonObject { ["action"] = ProposedAction.ApplyCredit, ["details"] = details, ["status"] = "pending" } }, ct);
        return id;
    }
}
