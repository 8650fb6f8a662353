using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace Clientele.Modules.Success.Copilot;

/// <summary>
/// POST /api/v1/agent_sessions (a literal route: it replaces the generic create for this table; list,
/// get, patch and delete stay generic) and POST /api/v1/agent_sessions/{id}/messages (a question;
/// the copilot's answer and its proposals).
/// </summary>
public static class CopilotSessionsApi
{
    public sealed record CreateSessionBody(Guid? CustomerId, string? Title);
    public sealed record MessageBody(string? Content);

    public const int MaxQuestionLength = 4000;

    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/agent_sessions").WithTags("Copilot");
        g.MapPost("", Create).WithName("CreateAgentSession")
            .WithSummary("Start a copilot session about a customer: {customer_id, title?} → 201 agent_sessions row")
            .AddOpenApiOperationTransformer((op, _, _) =>
            {
                // The body is read by JsonBody (snake_case), so the document states it by hand.
                op.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new()
                        {
                            Schema = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Object,
                                Required = new HashSet<string> { "customer_id" },
                                Properties = new Dictionary<string, IOpenApiSchema>
                                {
                                    ["customer_id"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid", Description = "the customer the session is about" },
                                    ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "optional; defaults to the customer's name" },
                                },
                            },
                        },
                    },
                };
                return Task.CompletedTask;
            });
        g.MapPost("/{id}/messages", Ask).WithName("AskCopilot")
            .WithSummary("Ask the copilot about the session's customer: {content} → 201 the answer (agent_messages), the question type and the proposed actions (pending approvals)");
    }

    private static void CheckWriter(TenantContext tenant)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot use the copilot.");
    }

    private static async Task<IResult> Create(HttpContext ctx, TenantContext tenant, TenantSessions sessions, ResourceRegistry registry, ResourceStore store)
    {
        CheckWriter(tenant);
        var body = await JsonBody.ReadAsync<CreateSessionBody>(ctx);
        var ct = ctx.RequestAborted;
        var errors = new FieldErrors();
        if (body.CustomerId is null) errors.Add("customer_id", "is required");
        if (body.Title is { Length: > 200 }) errors.Add("title", "must be at most 200 characters");
        errors.ThrowIfAny();

        await using var s = sessions.Open(tenant);
        var id = await CreateSessionAsync(s, body.CustomerId!.Value, body.Title, ct);
        var row = await store.GetAsync(s, registry.Find("agent_sessions")!, id, [], false, ct);
        await AuditWriter.WriteAsync(s, "agent_sessions", id, "create", new JsonObject { ["after"] = JsonNode.Parse(row.Json) }, ct);
        await s.CommitAsync(ct);
        return new JsonBytesResult(row.Json, 201, row.ETag, $"/api/v1/agent_sessions/{id}");
    }

    /// <summary>Starts a session about the customer in the caller's transaction (422 customer_id when it does not exist); its id.</summary>
    internal static async Task<Guid> CreateSessionAsync(TenantSession s, Guid customerId, string? title, CancellationToken ct)
    {
        string customerName;
        customerName = await s.ExecuteScalarAsync("SELECT coalesce(nullif(company_name, ''), nullif(name, ''), email) FROM customers WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL",
            [s.OrganizationId, customerId], ct) as string ?? throw ProblemException.Validation("customer_id", "refers to a customer that does not exist");
        var id = Guid.CreateVersion7();
        var context = new JsonObject { ["title"] = title?.Trim() ?? $"Copilot: {customerName}", ["customer_name"] = customerName, ["turns"] = 0 };
        await s.ExecuteAsync("""
            INSERT INTO agent_sessions (id, organization_id, customer_id, user_id, status, active_agent, deployed_agents, context)
            VALUES ($1, $2, $3, $4, 'active', 'copilot', ARRAY['copilot'], $5)
            """,
            [id, s.OrganizationId, customerId, SqlArg.Uuid(s.Tenant.UserId), SqlArg.Jsonb(context)], ct);
        return id;
    }

    private static async Task<IResult> Ask(string id, HttpContext ctx, TenantContext tenant, TenantSessions sessions, ResourceRegistry registry, ResourceStore store,
        CopilotTurns turns)
    {
        CheckWriter(tenant);
        var body = await JsonBody.ReadAsync<MessageBody>(ctx);
        var question = body.Content?.Trim();
        if (string.IsNullOrEmpty(question) || question.Length > MaxQuestionLength)
            throw ProblemException.Validation("content", $"is required (1 to {MaxQuestionLength} characters)");
        if (!Guid.TryParse(id, out var sessionId)) throw ProblemException.NotFound($"No agent session with id {id}.");
        var ct = ctx.RequestAborted;

        await using var s = sessions.Open(tenant);
        var session = await LockSessionAsync(s, sessionId, ct) ?? throw ProblemException.NotFound($"No agent session with id {id}.");
        if (session.Status != "active") throw ProblemException.Conflict($"The session is {session.Status}; start a new one to ask more.");
        var turn = await turns.AskAsync(s, session, question, ct);

        var message = await store.GetAsync(s, registry.Find("agent_messages")!, turn.AssistantMessageId, [], false, ct);
        var approvals = new JsonArray();
        foreach (var a in turn.Approvals)
            approvals.Add(JsonNode.Parse((await store.GetAsync(s, registry.Find("approvals")!, a.ApprovalId, [], false, ct)).Json));
        await s.CommitAsync(ct);

        var answer = turn.Answer;
        var result = new JsonObject
        {
            ["object"] = "copilot_answer",
            ["session_id"] = sessionId.ToString(),
            ["question_type"] = answer.Reply.QuestionType,
            ["content"] = answer.Reply.Answer,
            ["message"] = JsonNode.Parse(message.Json),
            ["user_message_id"] = turn.UserMessageId.ToString(),
            ["approvals"] = approvals,
            ["not_proposed"] = new JsonArray(turn.NotProposed.Select(n => (JsonNode)n.DeepClone()).ToArray()),
            ["activity_id"] = turn.ActivityId.ToString(),
            ["model"] = new JsonObject
            {
                ["provider"] = answer.Provider, ["model"] = answer.Model, ["prompt_tokens"] = answer.PromptTokens, ["completion_tokens"] = answer.CompletionTokens,
                ["cost"] = answer.Cost, ["fallback_reason"] = answer.FallbackReason,
            },
        };
        return new JsonBytesResult(System.Text.Encoding.UTF8.GetBytes(result.ToJsonString(CopilotJson.Relaxed)), 201, null, $"/api/v1/agent_messages/{turn.AssistantMessageId}");
    }

    /// <summary>The session, locked: questions in one session are answered one at a time, in order.</summary>
    internal static async Task<CopilotSession?> LockSessionAsync(TenantSession s, Guid id, CancellationToken ct)
    {
        await using var r = await s.ReaderAsync("SELECT id, customer_id, user_id, status FROM agent_sessions WHERE organization_id = $1 AND id = $2 FOR UPDATE",
            [s.OrganizationId, id], ct);
        if (!await r.ReadAsync(ct)) return null;
        return new CopilotSession(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetGuid(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.GetString(3));
    }
}
