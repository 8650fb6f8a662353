using System.Text.Json;
using System.Text.Json.Nodes;

namespace Clientele.Modules.Success.Copilot;

/// <summary>
/// An action the copilot proposes, as the model writes it in its JSON answer (one flat shape for
/// every type, snake_case). Nothing runs from here: a checked proposal becomes a pending approvals
/// row (ApprovalRequests) and runs only when a member approves it (ActionExecutor).
/// </summary>
public sealed record ProposedAction(
    string Type,
    // apply_credit
    decimal? Amount = null,
    string? Currency = null,
    string? CreditType = null,
    string? Reason = null,
    // send_email
    string? To = null,
    string? ToName = null,
    string? Subject = null,
    string? Body = null,
    // schedule_meeting
    string? AttendeeEmail = null,
    string? AttendeeName = null,
    DateTimeOffset? Start = null,
    int? DurationMinutes = null,
    // schedule_meeting and create_task
    string? Title = null,
    string? Description = null,
    // create_task
    DateOnly? DueDate = null)
{
    public const string ApplyCredit = "apply_credit", SendEmail = "send_email", ScheduleMeeting = "schedule_meeting", CreateTask = "create_task";
    public static readonly IReadOnlyList<string> Types = [ApplyCredit, SendEmail, ScheduleMeeting, CreateTask];

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, CustomerBrief.Json)!.AsObject();

    public static ProposedAction? FromJson(JsonNode? node)
    {
        if (node is not JsonObject) return null;
        try { return node.Deserialize<ProposedAction>(CustomerBrief.Json); }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException) { return null; }
    }
}

/// <summary>What the model answered: the text for the CSM, the question's type, and the proposals.</summary>
public sealed record CopilotReply(string QuestionType, string Answer, IReadOnlyList<ProposedAction> Actions)
{
    public JsonObject ToJson() => new()
    {
        ["question_type"] = QuestionType,
        ["answer"] = Answer,
        ["actions"] = new JsonArray(Actions.Select(a => (JsonNode)a.ToJson()).ToArray()),
    };
}
