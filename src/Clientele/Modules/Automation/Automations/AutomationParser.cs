using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Clientele.Modules.Automation.Automations;

/// <summary>What a sentence became: the same shapes triggers and workflows take, plus how it was read.</summary>
public sealed record AutomationDraft(string Type, string Name, JsonObject? Schedule, JsonObject? Trigger, JsonArray Steps, JsonObject Scope, JsonArray Explanation, string Engine);

/// <summary>
/// The built-in, offline reading of an automation sentence (docs/automation.md "Automations from a
/// sentence"). A sentence is a when-part or an every-part followed by actions joined with "and",
/// "then" or commas. When-parts become a trigger condition (customer health drops below N, a customer
/// (of a segment) is created, a conversation is escalated, an invoice is paid, a payment fails, a deal
/// moves to a stage); every-parts become a 5-field cron (every day / weekday / Monday.. / hour / month
/// on the Nth, at 9, 9:30, 5pm). Actions: notify me / the admins, email me the customers whose health
/// dropped below N, email the customer, propose the save play(book), create a task / note, tag it X,
/// assign a CSM (by least revenue / least accounts / round robin), create a risk signal. Anything it
/// cannot place is reported, never guessed.
/// </summary>
public static partial class AutomationParser
{
    private static readonly string[] Days = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    public static AutomationDraft? Parse(string sentence, out List<string> problems)
    {
        problems = [];
        var text = Spaces().Replace(sentence.Trim().TrimEnd('.', '!'), " ");
        var lower = text.ToLowerInvariant();
        var explain = new JsonArray();
        JsonObject? schedule = null, trigger = null;
        string rest;

        if (Every().Match(lower) is { Success: true } every)
        {
            schedule = Cron(every, out var said);
            if (schedule is null) { problems.Add($"cannot read the schedule \"{every.Value}\""); return null; }
            explain.Add($"\"{every.Value.Trim()}\" -> cron {schedule["cron"]} ({said})");
            rest = lower[(every.Index + every.Length)..];
        }
        else if (When().Match(lower) is { Success: true } when)
        {
            trigger = Condition(when.Groups[1].Value, out var said);
            if (trigger is null) { problems.Add($"cannot read the event \"{when.Groups[1].Value}\" (try: when a customer's health drops below 40, when a new enterprise customer is created, when a conversation is escalated, when an invoice is paid, when a payment fails, when a deal moves to proposal)"); return null; }
            explain.Add($"\"when {when.Groups[1].Value}\" -> {said}");
            rest = lower[(when.Index + when.Length)..];
        }
        else
        {
            problems.Add("say when it runs: start with \"every ...\" (a schedule) or \"when ...\" (an event)");
            return null;
        }

        var steps = new JsonArray();
        var scope = new JsonObject { ["customers"] = "all" };
        foreach (var clause in Clauses().Split(rest).Select(c => c.Trim(' ', ',')).Where(c => c.Length > 0))
        {
            var step = Action(clause, text, scope, out var said);
            if (step is null) { problems.Add($"cannot read the action \"{clause}\""); continue; }
            steps.Add(step);
            explain.Add($"\"{clause}\" -> {said}");
        }
        if (steps.Count == 0) problems.Add("say what to do (notify me, email me ..., create a task ..., propose the save playbook ...)");
        if (problems.Count > 0) return null;
        var name = text.Length <= 80 ? text : text[..77] + "...";
        return new AutomationDraft(schedule is null ? "trigger" : "scheduled", name, schedule, trigger, steps, scope, explain, "builtin");
    }

    private static JsonObject? Cron(Match m, out string said)
    {
        var unit = m.Groups["unit"].Value;
        var (hour, minute) = (9, 0);
        if (m.Groups["h"].Success)
        {
            hour = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
            minute = m.Groups["m"].Success ? int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) : 0;
            if (m.Groups["ampm"].Value == "pm" && hour < 12) hour += 12;
            if (m.Groups["ampm"].Value == "am" && hour == 12) hour = 0;
        }
        said = "";
        if (hour > 23 || minute > 59) return null;
        var at = $"{hour:00}:{minute:00}";
        string cron;
        switch (unit)
        {
            case "hour": cron = "0 * * * *"; said = "every hour on the hour"; break;
            case "day": cron = $"{minute} {hour} * * *"; said = $"every day at {at}"; break;
            case "weekday": cron = $"{minute} {hour} * * 1-5"; said = $"Monday to Friday at {at}"; break;
            case "month":
                var day = m.Groups["dom"].Success ? int.Parse(m.Groups["dom"].Value, CultureInfo.InvariantCulture) : 1;
                if (day is < 1 or > 28) return null;
                cron = $"{minute} {hour} {day} * *"; said = $"day {day} of every month at {at}"; break;
            default:
                var dow = Array.IndexOf(Days, unit);
                if (dow < 0) return null;
                cron = $"{minute} {hour} * * {dow}"; said = $"every {CultureInfo.InvariantCulture.TextInfo.ToTitleCase(unit)} at {at}"; break;
        }
        return new JsonObject { ["cron"] = cron, ["description"] = said };
    }

    private static JsonObject? Condition(string when, out string said)
    {
        said = "";
        if (HealthBelow().Match(when) is { Success: true } h)
        {
            var n = int.Parse(h.Groups[1].Value, CultureInfo.InvariantCulture);
            said = $"customer.updated where customer.health_score < {n} and it changed";
            return new JsonObject
            {
                ["event"] = "customer.updated",
                ["all"] = new JsonArray(new JsonObject { ["path"] = "customer.health_score", ["op"] = "lt", ["value"] = n }, new JsonObject { ["path"] = "customer.health_score", ["op"] = "changed" }),
            };
        }
        if (CustomerCreated().Match(when) is { Success: true } c)
        {
            var segment = c.Groups[1].Value.Replace(' ', '_').Replace('-', '_');
            said = segment.Length > 0 ? $"customer.created where segment = {segment}" : "customer.created";
            var cond = new JsonObject { ["event"] = "customer.created" };
            if (segment.Length > 0) cond["all"] = new JsonArray(new JsonObject { ["path"] = "entity.segment", ["op"] = "eq", ["value"] = segment });
            return cond;
        }
        if (DealStage().Match(when) is { Success: true } d)
        {
            var stage = d.Groups[1].Value.Replace(' ', '_');
            said = $"deal.stage_changed to {stage}";
            return new JsonObject { ["event"] = "deal.stage_changed", ["all"] = new JsonArray(new JsonObject { ["path"] = "entity.stage", ["op"] = "changed_to", ["value"] = stage }) };
        }
        (string? type, said) = when switch
        {
            _ when when.Contains("conversation") && when.Contains("escalat") => ("conversation.escalated", "conversation.escalated"),
            _ when when.Contains("conversation") && (when.Contains("start") || when.Contains("creat") || when.Contains("new")) => ("conversation.created", "conversation.created"),
            _ when when.Contains("invoice") && when.Contains("paid") => ("invoice.paid", "invoice.paid"),
            _ when when.Contains("invoice") && when.Contains("overdue") => ("invoice.overdue", "invoice.overdue"),
            _ when when.Contains("payment") && when.Contains("fail") => ("payment.failed", "payment.failed"),
            _ when when.Contains("subscription") && when.Contains("cancel") => ("subscription.canceled", "subscription.canceled"),
            _ when when.Contains("meeting") && when.Contains("book") => ("meeting.booked", "meeting.booked"),
            _ => (null, ""),
        };
        return type is null ? null : new JsonObject { ["event"] = type };
    }

    private static JsonObject? Action(string clause, string original, JsonObject scope, out string said)
    {
        said = "";
        if (EmailList().Match(clause) is { Success: true } list)
        {
            var n = int.Parse(list.Groups[2].Value, CultureInfo.InvariantCulture);
            var op = list.Groups[1].Value is "above" or "over" ? "gt" : "lt";
            scope["customers"] = new JsonObject { ["health_score"] = new JsonObject { [op] = n } };
            said = $"send_email to you listing customers with health_score {(op == "lt" ? "<" : ">")} {n}";
            return new JsonObject
            {
                ["type"] = "send_email", ["to"] = "owner", ["subject"] = $"Customers with health {(op == "lt" ? "below" : "above")} {n}",
                ["body"] = $"Customers whose health score is {(op == "lt" ? "below" : "above")} {n}:",
                ["customer_list"] = new JsonObject { ["field"] = "health_score", ["op"] = op, ["value"] = n },
            };
        }
        if (clause.StartsWith("email the customer", StringComparison.Ordinal) || clause.StartsWith("email them", StringComparison.Ordinal))
        {
            said = "send_email to the customer";
            return new JsonObject { ["type"] = "send_email", ["to"] = "customer", ["subject"] = "A note from {{source.name}}", ["body"] = Quoted(clause, original) ?? "Hello {{customer.name}}, we wanted to check in with you." };
        }
        if (clause.StartsWith("email me", StringComparison.Ordinal))
        {
            said = "send_email to you";
            return new JsonObject { ["type"] = "send_email", ["to"] = "owner", ["subject"] = "{{source.name}}", ["body"] = Quoted(clause, original) ?? "{{event.type}} for {{customer.name}}" };
        }
        if (Notify().Match(clause) is { Success: true } nm)
        {
            var who = nm.Groups[1].Value;
            var message = Quoted(clause, original) ?? (nm.Groups[2].Success ? nm.Groups[2].Value.Trim() : null);
            var step = new JsonObject { ["type"] = "notify" };
            if (who is "me" or "the owner" or "owner") { step["owner"] = true; said = "notify you"; }
            else
            {
                var role = who.Replace("the ", "").TrimEnd('s');
                if (role is not ("admin" or "owner" or "member")) return null;
                step["roles"] = new JsonArray(role); said = $"notify every {role}";
            }
            if (message is { Length: > 0 }) step["message"] = message;
            return step;
        }
        if (clause.Contains("save play"))
        {
            said = "propose_save_play (through the approval queue)";
            return new JsonObject { ["type"] = "propose_save_play", ["playbook"] = Quoted(clause, original) ?? "Save playbook" };
        }
        if (Create().Match(clause) is { Success: true } cm)
        {
            var content = Quoted(clause, original) ?? (cm.Groups[2].Success ? Capital(cm.Groups[2].Value.Trim()) : cm.Groups[1].Value == "task" ? "Follow up" : "Automation note");
            if (cm.Groups[1].Value == "risk signal")
            {
                said = "create_risk_signal (high)";
                return new JsonObject { ["type"] = "create_risk_signal", ["signal_type"] = "automation", ["severity"] = "high", ["description"] = content };
            }
            said = $"create_{cm.Groups[1].Value} \"{content}\"";
            return new JsonObject { ["type"] = $"create_{cm.Groups[1].Value}", ["content"] = content };
        }
        if (Tag().Match(clause) is { Success: true } tm)
        {
            said = $"tag_conversation {tm.Groups[1].Value}";
            return new JsonObject { ["type"] = "tag_conversation", ["tag"] = tm.Groups[1].Value };
        }
        if (Assign().Match(clause) is { Success: true } am)
        {
            var strategy = am.Groups[1].Value switch { "revenue" or "least revenue" => "least_revenue", "round robin" => "round_robin", _ => "least_accounts" };
            said = $"assign_csm by {strategy}";
            return new JsonObject { ["type"] = "assign_csm", ["strategy"] = strategy };
        }
        return null;
    }

    /// <summary>Text in quotes, taken from the original sentence (its case kept).</summary>
    private static string? Quoted(string clause, string original)
    {
        var m = Quote().Match(clause);
        if (!m.Success) return null;
        var at = original.IndexOf(m.Groups[1].Value, StringComparison.OrdinalIgnoreCase);
        return at < 0 ? m.Groups[1].Value : original.Substring(at, m.Groups[1].Value.Length);
    }

    private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    [GeneratedRegex(@"\s+")] private static partial Regex Spaces();
    [GeneratedRegex(@"^(?:on\s+)?every\s+(?<unit>day|weekday|hour|month|sunday|monday|tuesday|wednesday|thursday|friday|saturday)(?:\s+on\s+the\s+(?<dom>\d{1,2})(?:st|nd|rd|th)?)?(?:\s+at\s+(?<h>\d{1,2})(?::(?<m>\d{2}))?\s*(?<ampm>am|pm)?)?[\s,]*")]
    private static partial Regex Every();
    [GeneratedRegex(@"^(?:when|whenever|if)\s+(.+?)(?:,\s*|\s+then\s+|\s+(?=(?:notify|email|propose|create|add|tag|assign|call|send)\b))")]
    private static partial Regex When();
    [GeneratedRegex(@"\s*(?:,\s*and\s+|,\s*then\s+|\s+and\s+then\s+|\s+then\s+|\s+and\s+(?=(?:notify|email|propose|create|add|tag|assign|call|send)\b)|,\s*(?=(?:notify|email|propose|create|add|tag|assign|call|send)\b))")]
    private static partial Regex Clauses();
    [GeneratedRegex(@"health(?:\s+score)?\s+(?:drops|falls|goes|gets|is)\s+(?:below|under)\s+(\d{1,3})")]
    private static partial Regex HealthBelow();
    [GeneratedRegex(@"^(?:a|an)\s+(?:new\s+)?(?:(enterprise|mid[- ]market|smb|startup)\s+)?customer\s+(?:is\s+created|is\s+added|signs\s+up|joins)")]
    private static partial Regex CustomerCreated();
    [GeneratedRegex(@"deal\s+(?:moves|is\s+moved|goes)\s+to\s+(prospecting|qualification|proposal|negotiation|closed won|closed lost)")]
    private static partial Regex DealStage();
    [GeneratedRegex(@"^email\s+me\s+(?:a\s+list\s+of\s+)?the\s+customers\s+(?:whose|with)\s+health(?:\s+score)?\s+(?:dropped|fell|is|went)?\s*(below|under|above|over)\s+(\d{1,3})")]
    private static partial Regex EmailList();
    [GeneratedRegex(@"^(?:notify|alert|tell|ping)\s+(me|the owner|owner|the admins?|admins?|the owners|the members|members)(?:\s+(?:to|that|about)\s+(.+))?")]
    private static partial Regex Notify();
    [GeneratedRegex(@"^(?:create|add|open)\s+(?:a|an)\s+(task|note|risk signal)(?:\s+(?:to|saying|that|:)\s*(.+))?")]
    private static partial Regex Create();
    [GeneratedRegex(@"^tag\s+(?:it|the\s+conversation|them)\s+(?:as\s+)?[""']?([a-z0-9_-]{1,50})")]
    private static partial Regex Tag();
    [GeneratedRegex(@"^assign\s+(?:a|the)\s+csm(?:\s+(?:by|with|using)\s+(least revenue|revenue|least accounts|round robin))?")]
    private static partial Regex Assign();
    [GeneratedRegex(@"[""'“‘](.+?)[""'”’]")]
    private static partial Regex Quote();
}
