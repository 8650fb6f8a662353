using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Automation.Triggers;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Automation.Pages;

/// <summary>
/// The trigger form of /app/automation: an event, up to three conditions joined by all or any, one
/// action and a cooldown; creates a trigger, or edits one whose shape the form can hold (richer
/// ones are edited through the API, and the form says so). Enable/disable and delete per row.
/// </summary>
public sealed partial class AutomationModel
{
    public const int ConditionRows = 3;

    [BindProperty] public Guid? EditId { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Event { get; set; }
    [BindProperty] public string Match { get; set; } = "all";
    [BindProperty] public string?[] Path { get; set; } = new string?[ConditionRows];
    [BindProperty] public string?[] Op { get; set; } = new string?[ConditionRows];
    [BindProperty] public string?[] Value { get; set; } = new string?[ConditionRows];
    [BindProperty] public string? ActionType { get; set; }
    [BindProperty] public string? ActionText { get; set; }
    [BindProperty] public int Cooldown { get; set; }
    /// <summary>Why the trigger asked for cannot be edited in the form, when it cannot.</summary>
    public string? EditNote { get; private set; }

    /// <summary>Row i's field value (the form shows three rows whatever was posted).</summary>
    public string? Row(string?[] values, int i) => i < values.Length ? values[i] : null;

    /// <summary>The ModelState key of row i's field: Path, Path2, Path3.</summary>
    public static string RowKey(string field, int i) => i == 0 ? field : field + (i + 1).ToString(CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnPostTriggerAsync()
    {
        RequireWrite();
        Tab = "triggers";
        var leaves = new JsonArray();
        for (var i = 0; i < ConditionRows; i++)
        {
            var path = Row(Path, i);
            if (string.IsNullOrWhiteSpace(path)) continue;
            var op = Row(Op, i);
            var text = Row(Value, i);
            JsonNode? value = int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
                : decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : text;
            leaves.Add(new JsonObject { ["path"] = path.Trim(), ["op"] = op, ["value"] = op == "changed" ? null : value, ["row"] = i });
        }
        var rowOf = leaves.Select(l => l!["row"]!.GetValue<int>()).ToArray();
        foreach (var l in leaves) l!.AsObject().Remove("row");
        var group = Match == "any" ? "any" : "all";
        var condition = new JsonObject { ["event"] = Event };
        if (leaves.Count > 0) condition[group] = leaves;
        var actions = new JsonArray(ActionFromForm());
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(Name)) errors.Add("name", "is required");
        Conditions.Validate(condition, errors);
        TriggerActions.Validate(actions, errors);
        if (Cooldown is < 0 or > 100000) errors.Add("cooldown_minutes", "must be 0 to 100000");
        if (errors.Any)
        {
            foreach (var (key, messages) in errors.ToDictionary()) ModelState.AddModelError(FormField(key, rowOf), $"{Label(key, rowOf)} {string.Join(", ", messages)}.");
            Response.StatusCode = 422;
            await LoadAsync();
            return Page();
        }
        var body = JsonSerializer.SerializeToElement(new JsonObject
        {
            ["name"] = Name!.Trim(), ["condition"] = condition, ["actions"] = actions, ["cooldown_minutes"] = Cooldown,
        });
        var def = Service<ResourceRegistry>().Find("triggers")!;
        await using var s = OpenSession();
        if (EditId is { } id)
        {
            try { await Service<ResourceStore>().UpdateAsync(s, def, id, body, null, Aborted); }
            catch (ProblemException p) when (p.Status == 404) { TempData["flash"] = "That trigger no longer exists."; return Redirect("/app/automation?tab=triggers"); }
            TempData["flash"] = $"Trigger \"{Name.Trim()}\" saved.";
        }
        else
        {
            var created = JsonNode.Parse(body.GetRawText())!.AsObject();
            created["type"] = "event";
            created["user_id"] = Tenant.UserId;
            await Service<ResourceStore>().CreateAsync(s, def, JsonSerializer.SerializeToElement(created), Aborted);
            TempData["flash"] = $"Trigger \"{Name.Trim()}\" created.";
        }
        return Redirect("/app/automation?tab=triggers");
    }

    public async Task<IActionResult> OnPostToggleTriggerAsync(Guid triggerId) =>
        await ChangeAsync("triggers", triggerId, "triggers", row => new JsonObject { ["enabled"] = !(row["enabled"]?.GetValue<bool>() ?? false) },
            row => $"Trigger \"{row["name"]}\" {(row["enabled"]?.GetValue<bool>() == true ? "enabled" : "disabled")}.");

    public async Task<IActionResult> OnPostDeleteTriggerAsync(Guid triggerId) =>
        await ChangeAsync("triggers", triggerId, "triggers", null, row => $"Trigger \"{row["name"]}\" deleted.");

    /// <summary>Fills the form from a trigger when its shape fits: one event, one all/any group of at
    /// most three leaves, one action of the form's types.</summary>
    private async Task LoadForEditAsync(Guid id)
    {
        await using var s = OpenSession();
        JsonObject row;
        try { row = JsonNode.Parse((await Service<ResourceStore>().GetAsync(s, Service<ResourceRegistry>().Find("triggers")!, id, [], false, Aborted)).Json)!.AsObject(); }
        catch (ProblemException p) when (p.Status == 404) { EditNote = "That trigger no longer exists."; return; }
        var condition = row["condition"] as JsonObject ?? [];
        var group = condition.ContainsKey("any") ? "any" : "all";
        var leaves = condition[group] as JsonArray ?? [];
        var extraKeys = condition.Select(kv => kv.Key).Except(["event", group]).Any();
        var action = (row["actions"] as JsonArray)?.Count == 1 ? row["actions"]![0] as JsonObject : null;
        var fits = condition["event"] is JsonValue && !extraKeys && leaves.Count <= ConditionRows
                   && leaves.All(l => l is JsonObject o && o.ContainsKey("path")) && action is not null && ActionTypes.Contains(action["type"]?.ToString());
        if (!fits)
        {
            EditNote = $"\"{row["name"]}\" has a condition or actions richer than this form holds; change it with PATCH /api/v1/triggers/{id}.";
            return;
        }
        EditId = id;
        Name = row["name"]?.ToString();
        Event = condition["event"]!.ToString();
        Match = group;
        for (var i = 0; i < leaves.Count; i++)
        {
            Path[i] = leaves[i]!["path"]?.ToString();
            Op[i] = leaves[i]!["op"]?.ToString();
            Value[i] = leaves[i]!["value"] is JsonValue v ? v.ToString() : leaves[i]!["value"]?.ToJsonString();
        }
        ActionType = action!["type"]!.ToString();
        ActionText = ActionType switch
        {
            "notify" => action["message"]?.ToString(),
            "create_note" or "create_task" => action["content"]?.ToString(),
            "create_risk_signal" => action["description"]?.ToString(),
            "propose_save_play" => action["playbook"]?.ToString(),
            "tag_conversation" => action["tag"]?.ToString(),
            "assign_csm" => action["strategy"]?.ToString(),
            _ => null,
        };
        Cooldown = row["cooldown_minutes"]?.GetValue<int>() ?? 0;
    }

    private JsonObject ActionFromForm()
    {
        var text = string.IsNullOrWhiteSpace(ActionText) ? null : ActionText.Trim();
        return ActionType switch
        {
            "notify" => new JsonObject { ["type"] = "notify", ["owner"] = true, ["message"] = text },
            "create_note" or "create_task" => new JsonObject { ["type"] = ActionType, ["content"] = text },
            "create_risk_signal" => new JsonObject { ["type"] = ActionType, ["signal_type"] = "automation", ["severity"] = "high", ["description"] = text },
            "propose_save_play" => new JsonObject { ["type"] = ActionType, ["playbook"] = text },
            "tag_conversation" => new JsonObject { ["type"] = ActionType, ["tag"] = text },
            "assign_csm" => new JsonObject { ["type"] = ActionType, ["strategy"] = text ?? "least_accounts" },
            _ => new JsonObject { ["type"] = ActionType },
        };
    }

    /// <summary>The form field an error key belongs to; "condition.all[1].value" is the value of the
    /// row that leaf came from (empty rows are skipped, so leaf 1 may be row 2).</summary>
    private static string FormField(string key, int[] rowOf)
    {
        int Row()
        {
            var open = key.IndexOf('[', StringComparison.Ordinal);
            var close = key.IndexOf(']', StringComparison.Ordinal);
            return open > 0 && close > open && int.TryParse(key[(open + 1)..close], out var leaf) && leaf < rowOf.Length ? rowOf[leaf] : 0;
        }
        return key switch
        {
            "name" => "Name", "cooldown_minutes" => "Cooldown",
            _ when key.StartsWith("condition.event", StringComparison.Ordinal) => "Event",
            _ when key.StartsWith("condition", StringComparison.Ordinal) && key.EndsWith(".path", StringComparison.Ordinal) => RowKey("Path", Row()),
            _ when key.StartsWith("condition", StringComparison.Ordinal) && key.EndsWith(".op", StringComparison.Ordinal) => RowKey("Op", Row()),
            _ when key.StartsWith("condition", StringComparison.Ordinal) && key.EndsWith(".value", StringComparison.Ordinal) => RowKey("Value", Row()),
            _ when key.EndsWith(".type", StringComparison.Ordinal) => "ActionType",
            _ when key.StartsWith("actions", StringComparison.Ordinal) => "ActionText",
            _ => "Name",
        };
    }

    private static string Label(string key, int[] rowOf) => FormField(key, rowOf) switch
    {
        "ActionText" => "The action's detail", "ActionType" => "The action", "Cooldown" => "The cooldown",
        var f when f.StartsWith("Path", StringComparison.Ordinal) => "The field" + Of(f),
        var f when f.StartsWith("Op", StringComparison.Ordinal) => "The comparison" + Of(f),
        var f when f.StartsWith("Value", StringComparison.Ordinal) => "The value" + Of(f),
        var f => "The " + f.ToLowerInvariant(),
    };

    private static string Of(string field) => char.IsAsciiDigit(field[^1]) ? $" of condition {field[^1]}" : "";
}
