using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Clientele.Modules.Success.Copilot;

using AiMessage = Microsoft.Extensions.AI.ChatMessage;

/// <summary>
/// The copilot's conversation with the model: a system message with the instructions and the
/// customer brief as JSON (after <see cref="BriefMarker"/>), the session's earlier turns, and the
/// question. The model answers one JSON object {"question_type", "answer", "actions": [...]};
/// a model that answers plain text still gets its text through, without actions.
/// </summary>
public static class CopilotPrompt
{
    public const string BriefMarker = "CUSTOMER BRIEF (JSON):";

    public const string Instructions = """
        You are the customer success copilot of a CSM (customer success manager). Answer the CSM's question about ONE customer
        using only the customer brief below: quote the numbers (health x/100 and its 30-day change, churn risk, overdue invoices
        and amounts, usage changes, renewal date and probability, stakeholders). Be short and concrete. If the brief lacks
        the data, say so. When the CSM asks for an action, or asks what to do, propose actions; never claim an action was done:
        every action waits for a human approval.
        Reply with ONE JSON object and nothing else:
        {"question_type": "health|risk|billing|usage|renewal|stakeholders|expansion|conversations|next_steps|overview|apply_credit|send_email|schedule_meeting|create_task",
         "answer": "the text for the CSM",
         "actions": [
           {"type": "apply_credit", "amount": 200.00, "currency": "USD", "credit_type": "goodwill|refund|promotional|migration", "reason": "..."},
           {"type": "send_email", "to": "an email address from the brief's stakeholders", "to_name": "...", "subject": "...", "body": "..."},
           {"type": "schedule_meeting", "attendee_email": "a stakeholder's address", "attendee_name": "...", "title": "...",
            "start": "ISO 8601 date-time with offset, or null for the next free slot", "duration_minutes": 30, "description": "..."},
           {"type": "create_task", "title": "...", "description": "...", "due_date": "YYYY-MM-DD"}]}
        Use "actions": [] when nothing needs doing.
        """;

    public static IList<AiMessage> Build(CustomerBrief brief, IEnumerable<(string Role, string Content)> history, string question)
    {
        var messages = new List<AiMessage> { new(ChatRole.System, Instructions + "\n\n" + BriefMarker + "\n" + brief.ToJson()) };
        foreach (var (role, content) in history)
            messages.Add(new AiMessage(role == "user" ? ChatRole.User : ChatRole.Assistant, content));
        messages.Add(new AiMessage(ChatRole.User, question));
        return messages;
    }

    /// <summary>The brief of a copilot conversation (the built-in engine reads it back).</summary>
    public static CustomerBrief? ReadBrief(IEnumerable<AiMessage> messages)
    {
        foreach (var m in messages.Where(m => m.Role == ChatRole.System))
        {
            var i = m.Text.IndexOf(BriefMarker, StringComparison.Ordinal);
            if (i >= 0 && CustomerBrief.FromJson(m.Text[(i + BriefMarker.Length)..].Trim()) is { } brief) return brief;
        }
        return null;
    }

    /// <summary>The model's reply: its JSON object when there is one (also inside a ```json fence), else the text as the answer.</summary>
    public static CopilotReply Parse(string text)
    {
        var start = text.IndexOf('{');
        var end = text.LastIndexOf('}');
        if (start >= 0 && end > start)
        {
            try
            {
                if (JsonNode.Parse(text[start..(end + 1)]) is JsonObject o && o["answer"] is JsonValue answer && answer.TryGetValue<string>(out var a))
                {
                    var type = o["question_type"] is JsonValue t && t.TryGetValue<string>(out var qt) ? qt : QuestionReader.Overview;
                    var actions = o["actions"] is JsonArray list ? list.Select(ProposedAction.FromJson).OfType<ProposedAction>().ToList() : [];
                    return new CopilotReply(type, a.Trim(), actions);
                }
            }
            catch (JsonException) { }
        }
        return new CopilotReply(QuestionReader.Overview, text.Trim(), []);
    }
}
