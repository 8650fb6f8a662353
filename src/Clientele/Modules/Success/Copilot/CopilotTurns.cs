using System.Text.Json.Nodes;
using Clientele.Modules.Integrations.Google;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using static Clientele.Modules.Success.Copilot.CopilotMessages;

namespace Clientele.Modules.Success.Copilot;

/// <summary>An agent_sessions row, as a turn needs it.</summary>
public sealed record CopilotSession(Guid Id, Guid? CustomerId, Guid? UserId, string Status);

/// <summary>What one question produced.</summary>
public sealed record CopilotTurn(Guid UserMessageId, Guid AssistantMessageId, CopilotAnswer Answer, IReadOnlyList<ApprovalRequest> Approvals,
    IReadOnlyList<JsonObject> NotProposed, Guid ActivityId);

/// <summary>
/// One question of a CSM in a copilot session, in the caller's transaction: the answer_question
/// step in agent_activity_log with its children gather_context (the brief, by SQL), model_call
/// (one llm_usage_logs row) and propose_actions (one request_approval child per approval created),
/// each with its duration; the question, a thinking note and the answer in agent_messages; the
/// question and answer in chat_messages. Nothing a proposal describes is executed here.
/// </summary>
public sealed class CopilotTurns(CustomerBriefReader reader, CopilotModel model, ApprovalRequests approvals, MeetingSlotPicker slots,
    MeetingScheduler scheduler, CopilotOptions options)
{
    public const int MaxProposals = 5;

    public async Task<CopilotTurn> AskAsync(TenantSession s, CopilotSession session, string question, CancellationToken ct)
    {
        var customerId = session.CustomerId ?? throw ProblemException.Conflict("The session has no customer; start a session with customer_id.");
        var userId = s.Tenant.UserId ?? session.UserId;
        var scope = new ActivityScope(customerId, userId, session.Id);
        var root = await ActivityStep.StartAsync(s, scope, "answer_question", new JsonObject { ["question"] = question }, null, ct);

        var history = await HistoryAsync(s, session.Id, options.HistoryTurns, ct);
        var userMessageId = Guid.CreateVersion7();
        await InsertAgentMessageAsync(s, session.Id, new AgentMessageRow(userMessageId, "user", question), ct);
        await InsertChatMessageAsync(s, session.Id, customerId, userId, "user", question, null, ct);

        var gather = await ActivityStep.StartAsync(s, scope, "gather_context", new JsonObject { ["customer_id"] = customerId.ToString() }, root.Id, ct);
        var zone = (await scheduler.WorkingHoursAsync(s, ct)).Zone.Id;
        var brief = await reader.ReadAsync(s, customerId, userId, zone, ct)
            ?? throw ProblemException.Conflict("The session's customer no longer exists; the copilot cannot answer about it.");
        // The customer-success questions read the health model's explanation, the QBR draft and the playbooks too.
        if (QuestionReader.SuccessTopics.Contains(QuestionReader.Read(question).Primary))
            brief = brief with { Success = await Clientele.Modules.Success.Copilot.SuccessBrief.ReadAsync(s, customerId, brief.AsOf.UtcDateTime, ct) };
        await gather.CompleteAsync(Digest(brief), ct);

        var call = await ActivityStep.StartAsync(s, scope, "model_call",
            new JsonObject { ["workflow"] = CopilotModel.Workflow, ["node"] = CopilotModel.Node, ["history_messages"] = history.Count }, root.Id, ct);
        var answer = await model.AnswerAsync(s, CopilotPrompt.Build(brief, history, question), ct);
        await call.CompleteAsync(new JsonObject
        {
            ["provider"] = answer.Provider, ["model"] = answer.Model, ["prompt_tokens"] = answer.PromptTokens, ["completion_tokens"] = answer.CompletionTokens,
            ["latency_ms"] = Math.Round(answer.LatencyMs, 2), ["cost"] = answer.Cost, ["question_type"] = answer.Reply.QuestionType,
            ["proposed_actions"] = answer.Reply.Actions.Count, ["fallback_reason"] = answer.FallbackReason,
        }, ct);

        var assistantId = Guid.CreateVersion7();
        var propose = await ActivityStep.StartAsync(s, scope, "propose_actions", new JsonObject { ["proposed"] = answer.Reply.Actions.Count }, root.Id, ct);
        var (created, dropped) = await ProposeAsync(s, answer.Reply.Actions, brief, new ProposalOrigin(session.Id, customerId, userId, assistantId), scope, propose.Id, ct);
        await propose.CompleteAsync(new JsonObject
        {
            ["approval_ids"] = new JsonArray(created.Select(a => (JsonNode)a.ApprovalId.ToString()).ToArray()),
            ["not_proposed"] = new JsonArray(dropped.Select(d => (JsonNode)d.DeepClone()).ToArray()),
        }, ct);

        var text = answer.Reply.Answer;
        if (dropped.Count > 0) text += "\n\n(Not proposed: " + string.Join("; ", dropped.Select(d => $"{d["type"]}: {d["problem"]}")) + ".)";
        var toolCalls = new JsonArray(created.Select(a => (JsonNode)new JsonObject
        {
            ["name"] = a.Proposal.Action.Type, ["arguments"] = a.Proposal.Action.ToJson(), ["approval_id"] = a.ApprovalId.ToString(), ["status"] = "pending",
        }).ToArray());
        await InsertAgentMessageAsync(s, session.Id, new AgentMessageRow(Guid.CreateVersion7(), "assistant", "Gathered: " + BriefSections.Overview(brief), Thinking: true,
            Metadata: new JsonObject { ["step"] = "gather_context", ["activity_id"] = gather.Id.ToString() }), ct);
        await InsertAgentMessageAsync(s, session.Id, new AgentMessageRow(assistantId, "assistant", text, RequiresApproval: created.Count > 0,
            ToolCalls: created.Count > 0 ? toolCalls : null, Metadata: new JsonObject
            {
                ["question_type"] = answer.Reply.QuestionType, ["provider"] = answer.Provider, ["model"] = answer.Model,
                ["prompt_tokens"] = answer.PromptTokens, ["completion_tokens"] = answer.CompletionTokens, ["cost"] = answer.Cost,
                ["fallback_reason"] = answer.FallbackReason, ["activity_id"] = root.Id.ToString(),
            }), ct);
        await InsertChatMessageAsync(s, session.Id, customerId, userId, "assistant", text, created.Count > 0 ? (JsonArray)toolCalls.DeepClone() : null, ct);
        await TouchSessionAsync(s, session.Id, answer.Reply.QuestionType, ct);
        await root.CompleteAsync(new JsonObject
        {
            ["question_type"] = answer.Reply.QuestionType, ["assistant_message_id"] = assistantId.ToString(), ["approvals"] = created.Count,
        }, ct);
        return new CopilotTurn(userMessageId, assistantId, answer with { Reply = answer.Reply with { Answer = text } }, created, dropped, root.Id);
    }

    private async Task<(List<ApprovalRequest> Created, List<JsonObject> Dropped)> ProposeAsync(TenantSession s, IReadOnlyList<ProposedAction> actions,
        CustomerBrief brief, ProposalOrigin origin, ActivityScope scope, Guid parentId, CancellationToken ct)
    {
        var created = new List<ApprovalRequest>();
        var dropped = new List<JsonObject>();
        foreach (var action in actions.Take(MaxProposals))
        {
            var (ok, problem) = ProposalCheck.Check(action, brief);
            if (ok is { Action: { Type: ProposedAction.ScheduleMeeting } meeting })
            {
                if (meeting.Start is null)
                {
                    var owner = await MeetingSlotPicker.OwnerAsync(s, origin.UserId, ct);
                    var (start, _) = await slots.PickAsync(s, owner, meeting.DurationMinutes ?? 30, ct);
                    (ok, problem) = ProposalCheck.Check(meeting with { Start = start }, brief);
                }
            }
            if (ok is null)
            {
                dropped.Add(new JsonObject { ["type"] = action.Type, ["problem"] = problem });
                continue;
            }
            created.Add(await approvals.CreateAsync(s, origin, ok, scope, parentId, brief.TimeZone, ct));
        }
        foreach (var extra in actions.Skip(MaxProposals))
            dropped.Add(new JsonObject { ["type"] = extra.Type, ["problem"] = $"at most {MaxProposals} proposals per answer" });
        return (created, dropped);
    }

    /// <summary>What gather_context found, for agent_activity_log.result_data.</summary>
    private static JsonObject Digest(CustomerBrief b) => new()
    {
        ["customer"] = b.Customer.Name,
        ["health_score"] = b.Health.Score,
        ["health_change_30_days"] = b.Health.Change30Days,
        ["churn_risk"] = b.Customer.ChurnRisk,
        ["open_risk_signals"] = b.Health.OpenRiskSignals.Count,
        ["overdue_invoices"] = b.Billing.OverdueInvoices,
        ["overdue_amount"] = b.Billing.OverdueAmount,
        ["stakeholders"] = b.Stakeholders.Count,
        ["conversations_30_days"] = b.Conversations.Last30Days,
        ["renewal_in_days"] = b.Renewal?.DaysUntil,
        ["expansion_opportunities"] = b.Expansion.Count,
        ["brief_chars"] = b.ToJson().Length,
    };

    private static async Task TouchSessionAsync(TenantSession s, Guid sessionId, string questionType, CancellationToken ct)
    {
        await s.ExecuteAsync("""
            UPDATE agent_sessions SET active_agent = 'copilot',
              deployed_agents = CASE WHEN 'copilot' = ANY(deployed_agents) THEN deployed_agents ELSE array_append(deployed_agents, 'copilot') END,
              context = coalesce(context, '{}'::jsonb) || jsonb_build_object('last_question_type', $3::text,
                'turns', coalesce((context->>'turns')::int, 0) + 1)
            WHERE organization_id = $1 AND id = $2
            """,
            [s.OrganizationId, sessionId, questionType], ct);
    }
}
