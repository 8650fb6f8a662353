using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Resources;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Billing.Pages;

/// <summary>
/// What the billing pages share: running a domain action (the same code as the API's
/// POST .../{action}) in one transaction, writing a row through the resource store (validated,
/// audited, with its domain events, like POST /api/v1/...), and money formatting.
/// A refusal re-renders the page with its message and the problem's status (409/422); nothing is written.
/// </summary>
public abstract class BillingPage : ConsolePage
{
    public string? Flash { get; protected set; }

    /// <summary>What the page's actions act on, for "Not allowed: this invoice is paid: ...".</summary>
    protected virtual string Noun => "record";

    /// <summary>Loads what the page shows (after a refusal too).</summary>
    protected abstract Task LoadAsync();

    protected async Task<IActionResult> ActionAsync(Func<TenantSession, Task<ActionOutcome>> action, string done, string back, string field = "")
    {
        RequireWrite();
        ActionOutcome outcome;
        await using (var s = OpenSession())
        {
            outcome = await action(s);
            if (outcome.Ok) await s.CommitAsync(Aborted);
        }
        if (outcome.Ok)
        {
            TempData["flash"] = done;
            return Redirect(back);
        }
        if (outcome.Status == 404) return NotFound();
        var message = outcome.Field == "status" ? $"Not allowed: this {Noun} {outcome.Message}" : $"{Label(outcome.Field)} {outcome.Message}.";
        ModelState.AddModelError(field, message);
        return await RerenderAsync(outcome.Status);
    }

    /// <summary>Creates a row of a resource as POST /api/v1/{resource} does; field messages on refusal.</summary>
    protected async Task<IActionResult> CreateAsync(string resource, JsonObject body, string done, string back, Func<string, string>? fieldOf = null)
    {
        RequireWrite();
        if (ModelState.IsValid)
        {
            var def = Service<ResourceRegistry>().Find(resource)!;
            var ok = await ConsoleForms.TryAsync(ModelState, Service<SchemaCatalog>(), async () =>
            {
                using var doc = JsonDocument.Parse(body.ToJsonString());
                await using var s = OpenSession();
                await Service<ResourceStore>().CreateAsync(s, def, doc.RootElement, Aborted);
            }, fieldOf);
            if (ok)
            {
                TempData["flash"] = done;
                return Redirect(back);
            }
        }
        return await RerenderAsync(422);
    }

    protected async Task<IActionResult> RerenderAsync(int status)
    {
        Response.StatusCode = status;
        await LoadAsync();
        return Page();
    }

    /// <summary>An amount parsed from a form field (invariant culture, at most 2 decimals), or a field message.</summary>
    protected decimal? ParseAmount(string? text, string field, bool allowZero = false)
    {
        if (string.IsNullOrWhiteSpace(text)) { ModelState.AddModelError(field, "Enter an amount."); return null; }
        if (!decimal.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) || v < 0 || (!allowZero && v == 0) || v.Scale > 2 || v > 99_999_999m)
        {
            ModelState.AddModelError(field, "Enter a positive amount with at most two decimals, like 120.50.");
            return null;
        }
        return v;
    }

    private static string Label(string? field) => string.IsNullOrEmpty(field) ? "The request" : char.ToUpperInvariant(field[0]) + field[1..].Replace('_', ' ');

    public static string Amount(decimal v, string? currency = null) => v.ToString("#,##0.00", CultureInfo.InvariantCulture) + (currency is null ? "" : " " + currency);
    public static string Day(DateTime? v) => v?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";

    public static string StatusClass(string status) => status switch
    {
        "paid" or "active" or "succeeded" => "good",
        "open" or "trialing" or "pending" or "draft" => "brand",
        "past_due" or "partially_refunded" => "warn",
        "unpaid" or "uncollectible" or "failed" or "void" or "canceled" or "expired" or "refunded" => "bad",
        _ => "",
    };
}
