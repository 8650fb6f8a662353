using System.Text.Json.Nodes;
using Clientele.Modules.Success.Copilot;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Clientele.Modules.Customers.Pages;

/// <summary>A line of the copilot panel: who said it, what, and the actions it proposed (pending approvals).</summary>
public sealed record CopilotLine(string Role, string Content, DateTime At, IReadOnlyList<(string Action, Guid ApprovalId)> Proposed);

/// <summary>The "Ask the copilot" panel: the signed-in user's latest session about this customer, and asking through CopilotTurns.</summary>
public sealed partial class CustomerModel
{
    public Guid? CopilotSessionId { get; private set; }
    public List<CopilotLine> CopilotLines { get; } = [];
    public string? CopilotError { get; private set; }

    [BindProperty] public string? Question { get; set; }
    [BindProperty] public Guid? SessionId { get; set; }

    private async Task LoadCopilotAsync(TenantSession s)
    {
        if (Tenant.UserId is not { } me) return;
        await using var r = await s.ReadAsync("""
            SELECT m.session_id, m.role, m.content, m.created_at, m.tool_calls::text FROM agent_messages m
            WHERE m.organization_id = $1 AND m.thinking = false AND m.session_id = (
              SELECT id FROM agent_sessions WHERE organization_id = $1 AND customer_id = $2 AND user_id = $3 AND status = 'active'
              ORDER BY created_at DESC, id DESC LIMIT 1)
            ORDER BY m.created_at DESC, m.id DESC LIMIT 20
            """, [new NpgsqlParameter { Value = Tenant.OrganizationId }, new NpgsqlParameter { Value = Id }, new NpgsqlParameter { Value = me }], Aborted);
        while (await r.ReadAsync(Aborted))
        {
            CopilotSessionId = r.GetGuid(0);
            CopilotLines.Insert(0, new CopilotLine(r.GetString(1), r.GetString(2), DateTime.SpecifyKind(r.GetDateTime(3), DateTimeKind.Utc),
                Proposals(r.IsDBNull(4) ? null : r.GetString(4))));
        }
    }

    private static List<(string, Guid)> Proposals(string? toolCalls)
    {
        var list = new List<(string, Guid)>();
        if (toolCalls is null || JsonNode.Parse(toolCalls) is not JsonArray calls) return list;
        foreach (var c in calls)
            if (c?["name"]?.ToString() is { } name && Guid.TryParse(c["approval_id"]?.ToString(), out var id)) list.Add((name, id));
        return list;
    }

    /// <summary>Asks the copilot; htmx gets the question and answer as list items, a plain form post comes back to the page.</summary>
    public async Task<IActionResult> OnPostAskAsync()
    {
        RequireWrite();
        var question = Question?.Trim();
        if (string.IsNullOrEmpty(question) || question.Length > CopilotSessionsApi.MaxQuestionLength)
            return AskFailed($"Write a question (1 to {CopilotSessionsApi.MaxQuestionLength} characters).");
        var turns = Service<CopilotTurns>();
        await using (var s = OpenSession())
        {
            CopilotSession? session = null;
            if (SessionId is { } sid) session = await CopilotSessionsApi.LockSessionAsync(s, sid, Aborted);
            if (session is null || session.Status != "active" || session.CustomerId != Id || session.UserId != Tenant.UserId)
            {
                try
                {
                    var id = await CopilotSessionsApi.CreateSessionAsync(s, Id, null, Aborted);
                    await AuditWriter.WriteAsync(s, "agent_sessions", id, "create", new JsonObject { ["after"] = new JsonObject { ["customer_id"] = Id.ToString() } }, Aborted);
                    session = await CopilotSessionsApi.LockSessionAsync(s, id, Aborted);
                }
                catch (ProblemException p) when (p.Status == 422) { return NotFound(); }
            }
            try
            {
                var turn = await turns.AskAsync(s, session!, question, Aborted);
                await s.CommitAsync(Aborted);
                CopilotSessionId = session!.Id;
                var now = DateTime.UtcNow;
                CopilotLines.Add(new CopilotLine("user", question, now, []));
                CopilotLines.Add(new CopilotLine("assistant", turn.Answer.Reply.Answer, now,
                    turn.Approvals.Select(a => (a.Proposal.Action.Type, a.ApprovalId)).ToList()));
            }
            catch (ProblemException p) when (p.Status is >= 400 and < 600)
            {
                return AskFailed(p.Detail ?? p.Title);
            }
        }
        if (IsHtmx) return Partial("_CopilotLines", this);
        return Redirect($"/app/customers/{Id}#copilot");
    }

    private IActionResult AskFailed(string message)
    {
        CopilotError = message;
        if (IsHtmx) return Partial("_CopilotLines", this);
        TempData["flash"] = message;
        return Redirect($"/app/customers/{Id}#copilot");
    }
}
