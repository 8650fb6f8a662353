using System.Globalization;
using System.Text.Json.Nodes;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Clientele.Modules.Agents.Pages;

/// <summary>One AI agent with the channel it answers on.</summary>
public sealed record AgentRow(Guid Id, string Name, bool IsActive, string Specialty, string? Provider, string? Model, decimal? Temperature,
    decimal EscalationConfidence, string[] Tools, string? Channel, string? ChannelPlatform);

/// <summary>
/// /app/agents: the AI agents and their channels (specialty, provider/model, temperature, escalation
/// threshold, active). Admins edit an agent in place (ResourceFormPage: through the resource store, the
/// form comes back with field messages on bad input).
/// </summary>
public sealed class AgentsModel : ResourceFormPage<AgentRow>
{
    public static readonly string[] Specialties = ["router", "sales", "billing", "technical", "success", "general"];
    public static readonly string[] Providers = ["builtin", "openai"];

    [BindProperty] public Guid AgentId { get; set; }
    [BindProperty] public string? Specialty { get; set; }
    [BindProperty] public string? Provider { get; set; }
    [BindProperty] public string? ModelName { get; set; }
    [BindProperty] public string? Temperature { get; set; }
    [BindProperty] public string? EscalationConfidence { get; set; }
    [BindProperty] public bool IsActive { get; set; }

    protected override string Resource => "agents";
    protected override string AfterSave(Guid id) => $"/app/agents#agent-{id}";

    public async Task<IActionResult> OnPostSaveAsync()
    {
        RequireAdmin();
        var body = new JsonObject { ["is_active"] = IsActive };
        if (Specialty is null || !Specialties.Contains(Specialty)) ModelState.AddModelError(nameof(Specialty), "Choose one of " + string.Join(", ", Specialties) + ".");
        else body["specialty"] = Specialty;
        if (!string.IsNullOrEmpty(Provider) && !Providers.Contains(Provider)) ModelState.AddModelError(nameof(Provider), "Choose the default, builtin or openai.");
        else body["provider"] = string.IsNullOrEmpty(Provider) ? null : Provider;
        var model = ModelName?.Trim();
        if (model is { Length: > 100 }) ModelState.AddModelError(nameof(ModelName), "The model name is at most 100 characters.");
        else body["model"] = string.IsNullOrEmpty(model) ? null : model;
        if (string.IsNullOrWhiteSpace(Temperature)) body["temperature"] = null;
        else if (decimal.TryParse(Temperature, NumberStyles.Number, CultureInfo.InvariantCulture, out var t) && t is >= 0 and <= 2) body["temperature"] = t;
        else ModelState.AddModelError(nameof(Temperature), "The temperature is a number from 0 to 2 (empty: the provider's default).");
        if (decimal.TryParse(EscalationConfidence, NumberStyles.Number, CultureInfo.InvariantCulture, out var e) && e is >= 0 and <= 1) body["escalation_confidence"] = e;
        else ModelState.AddModelError(nameof(EscalationConfidence), "The escalation threshold is a number from 0 to 1.");
        return await SaveAsync(AgentId, body, "Agent saved.");
    }

    protected override string FieldOf(string field) => field switch
    {
        "specialty" => nameof(Specialty), "provider" => nameof(Provider), "model" => nameof(ModelName), "temperature" => nameof(Temperature),
        "escalation_confidence" => nameof(EscalationConfidence), "is_active" or "phone_number_id" => nameof(IsActive), _ => "",
    };

    protected override string ListSql => """
        SELECT a.id, a.name, a.is_active, a.specialty, a.provider, a.model, a.temperature, a.escalation_confidence, a.tools,
               coalesce(p.display_name, p.meta_phone_number_id), p.platform
        FROM agents a LEFT JOIN phone_numbers p ON p.organization_id = a.organization_id AND p.id = a.phone_number_id
        WHERE a.organization_id = $1 ORDER BY a.is_active DESC, a.name, a.id LIMIT 200
        """;

    protected override AgentRow Map(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetString(1), r.GetBoolean(2), r.GetString(3), S(r, 4), S(r, 5),
        r.IsDBNull(6) ? null : r.GetDecimal(6), r.GetDecimal(7), r.GetFieldValue<string[]>(8), S(r, 9), S(r, 10));

    public static string Num(decimal? v) => v?.ToString("0.##", CultureInfo.InvariantCulture) ?? "";
}
