using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Resources;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Clientele.Modules.Agents.Pages;

/// <summary>One AI agent with the channel it answers on.</summary>
public sealed record AgentRow(Guid Id, string Name, bool IsActive, string Specialty, string? Provider, string? Model, decimal? Temperature,
    decimal EscalationConfidence, string[] Tools, string? Channel, string? ChannelPlatform);

/// <summary>
/// /app/agents: the AI agents and their channels (specialty, provider/model, temperature, escalation
/// threshold, active). Admins edit an agent in place; the form comes back with field messages on bad input.
/// </summary>
public sealed class AgentsModel : ConsolePage
{
    public static readonly string[] Specialties = ["router", "sales", "billing", "technical", "success", "general"];
    public static readonly string[] Providers = ["builtin", "openai"];

    public IReadOnlyList<AgentRow> Agents { get; private set; } = [];
    public string? Flash { get; private set; }
    /// <summary>The agent whose form failed (it opens with the messages).</summary>
    public Guid? Editing { get; private set; }

    [BindProperty] public Guid AgentId { get; set; }
    [BindProperty] public string? Specialty { get; set; }
    [BindProperty] public string? Provider { get; set; }
    [BindProperty] public string? ModelName { get; set; }
    [BindProperty] public string? Temperature { get; set; }
    [BindProperty] public string? EscalationConfidence { get; set; }
    [BindProperty] public bool IsActive { get; set; }

    public async Task OnGetAsync()
    {
        Flash = TempData["flash"] as string;
        await LoadAsync();
    }

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

        if (ModelState.IsValid)
        {
            var ok = await ConsoleForms.TryAsync(ModelState, Service<SchemaCatalog>(), async () =>
            {
                using var doc = JsonDocument.Parse(body.ToJsonString());
                await using var s = OpenSession();
                await Service<ResourceStore>().UpdateAsync(s, Service<ResourceRegistry>().Find("agents")!, AgentId, doc.RootElement, null, Aborted);
            }, FieldOf);
            if (ok)
            {
                TempData["flash"] = "Agent saved.";
                return Redirect($"/app/agents#agent-{AgentId}");
            }
        }
        Editing = AgentId;
        Response.StatusCode = 422;
        await LoadAsync();
        return Page();
    }

    private static string FieldOf(string field) => field switch
    {
        "specialty" => nameof(Specialty), "provider" => nameof(Provider), "model" => nameof(ModelName), "temperature" => nameof(Temperature),
        "escalation_confidence" => nameof(EscalationConfidence), "is_active" or "phone_number_id" => nameof(IsActive), _ => "",
    };

    private async Task LoadAsync()
    {
        await using var s = OpenSession();
        var list = new List<AgentRow>();
        await using var r = await s.ReadAsync("""
            SELECT a.id, a.name, a.is_active, a.specialty, a.provider, a.model, a.temperature, a.escalation_confidence, a.tools,
                   coalesce(p.display_name, p.meta_phone_number_id), p.platform
            FROM agents a LEFT JOIN phone_numbers p ON p.organization_id = a.organization_id AND p.id = a.phone_number_id
            WHERE a.organization_id = $1 ORDER BY a.is_active DESC, a.name, a.id LIMIT 200
            """, [new NpgsqlParameter { Value = Tenant.OrganizationId }], Aborted);
        while (await r.ReadAsync(Aborted))
            list.Add(new AgentRow(r.GetGuid(0), r.GetString(1), r.GetBoolean(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
                r.IsDBNull(6) ? null : r.GetDecimal(6), r.GetDecimal(7), r.GetFieldValue<string[]>(8), r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10)));
        Agents = list;
    }

    public static string Num(decimal? v) => v?.ToString("0.##", CultureInfo.InvariantCulture) ?? "";
}
