using System.Globalization;
using System.Text.Json;
using Clientele.Modules.Sales.Activities;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Clientele.Modules.Sales.Pages;

/// <summary>The lead and deal pages' "Log an activity" form and the timeline's Complete button (form names Activity.*).</summary>
public sealed class ActivityInput
{
    public string? Type { get; set; }
    public string? Subject { get; set; }
    /// <summary>yyyy-MM-ddTHH:mm (datetime-local), read as UTC: when it is scheduled, or when it happened with Done.</summary>
    public string? At { get; set; }
    public bool Done { get; set; }
    public string? Outcome { get; set; }
    public Guid? Id { get; set; }
}

/// <summary>
/// Logs an activity on a lead or a deal through the resource store (the API's validation, the lead
/// score trigger, audit, events) and completes one through ActivityActions (the API's rules). The
/// performer is the signed-in user. Messages go to ModelState under Activity.* for the form.
/// </summary>
public static class ActivityForm
{
    public const string Prefix = "Activity.";

    public static async Task<bool> LogAsync(TenantSession s, ResourceRegistry registry, ResourceStore store, ActivityInput input, Guid? dealId, Guid? leadId,
        ModelStateDictionary errors, DateTime now, CancellationToken ct)
    {
        if (input.Type is null || !ActivityLabel.Types.Contains(input.Type))
            errors.AddModelError(Prefix + nameof(ActivityInput.Type), "Choose call, email, meeting, demo, proposal or follow up.");
        DateTime? at = null;
        if (!string.IsNullOrWhiteSpace(input.At))
        {
            if (DateTime.TryParse(input.At, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)) at = parsed;
            else errors.AddModelError(Prefix + nameof(ActivityInput.At), "The time must be a date and time, for example 2027-03-01T14:30.");
        }
        else if (!input.Done) errors.AddModelError(Prefix + nameof(ActivityInput.At), "Give the time it is scheduled for, or tick Done.");
        if (at is { } future && input.Done && future > now.AddMinutes(5)) errors.AddModelError(Prefix + nameof(ActivityInput.At), "A done activity cannot be in the future.");
        if (errors.ErrorCount > 0) return false;
        var body = new Dictionary<string, object?>
        {
            ["activity_type"] = input.Type, ["subject"] = Blank(input.Subject), ["outcome"] = input.Done ? Blank(input.Outcome) : null,
            ["deal_id"] = dealId, ["lead_id"] = leadId, ["performed_by"] = s.Tenant.ActorId,
            [input.Done ? "completed_at" : "scheduled_at"] = at ?? now,
        };
        try
        {
            await store.CreateAsync(s, registry.Find("sales_activities")!, JsonSerializer.SerializeToElement(body), ct);
            return true;
        }
        catch (ProblemException p) when (p.Status == 422)
        {
            foreach (var (field, messages) in p.Errors ?? new Dictionary<string, string[]> { ["_"] = [p.Detail ?? "is not valid"] })
                errors.AddModelError(Prefix + FormField(field), $"The {field.Replace('_', ' ')} {string.Join(" ", messages)}.");
            return false;
        }
    }

    /// <summary>Completes an activity of this deal or lead (404 for any other); a refusal goes to ModelState.</summary>
    public static async Task<ActionOutcome> CompleteAsync(TenantSession s, ActivityInput input, Guid? dealId, Guid? leadId, ModelStateDictionary errors, DateTime now, CancellationToken ct)
    {
        var mine = input.Id is { } id && await s.ScalarAsync<bool>("""
            SELECT EXISTS (SELECT 1 FROM sales_activities WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL
                           AND (deal_id = $3 OR lead_id = $4 OR deal_id IN (SELECT d.id FROM deals d WHERE d.organization_id = $1 AND d.lead_id = $4)))
            """, [s.OrganizationId, id, SqlArg.Uuid(dealId), SqlArg.Uuid(leadId)], ct);
        if (!mine) return ActionOutcome.Missing("No such activity here.");
        var outcome = await ActivityActions.CompleteAsync(s, input.Id!.Value, new(Blank(input.Outcome), null, null), now, ct);
        if (!outcome.Ok) errors.AddModelError(Prefix + FormField(outcome.Field ?? "_"), $"The {outcome.Field?.Replace('_', ' ')} {outcome.Message}.");
        return outcome;
    }

    private static string FormField(string apiField) => apiField switch
    {
        "activity_type" => nameof(ActivityInput.Type),
        "subject" => nameof(ActivityInput.Subject),
        "outcome" => nameof(ActivityInput.Outcome),
        "scheduled_at" or "completed_at" => nameof(ActivityInput.At),
        _ => nameof(ActivityInput.Type),
    };

    private static string? Blank(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
}
