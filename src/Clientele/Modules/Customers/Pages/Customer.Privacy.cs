using Clientele.Modules.Customers.Privacy;
using Clientele.Platform.Database;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Customers.Pages;

/// <summary>The "Privacy" card (admins and owners): download the privacy export, erase the customer's personal data
/// after ticking a confirmation. The same services as POST /api/v1/customers/{id}/export and /erase.</summary>
public sealed partial class CustomerModel
{
    public DateTime? ErasedAt { get; private set; }

    [BindProperty] public bool ConfirmErase { get; set; }

    private async Task LoadPrivacyAsync(TenantSession s) =>
        ErasedAt = await s.ReadFirstAsync("SELECT erased_at FROM customers WHERE organization_id = $1 AND id = $2 AND erased_at IS NOT NULL",
            [Tenant.OrganizationId, Id], r => (DateTime?)DateTime.SpecifyKind(r.GetDateTime(0), DateTimeKind.Utc), Aborted);

    public async Task<IActionResult> OnPostExportAsync()
    {
        RequireAdmin();
        var found = await PrivacyApi.StreamExportAsync(HttpContext, Service<TenantSessions>(), Tenant, Id, Service<TimeProvider>(), throwIfMissing: false);
        return found ? new EmptyResult() : NotFound();
    }

    public async Task<IActionResult> OnPostEraseAsync()
    {
        RequireAdmin();
        if (!ConfirmErase)
        {
            ModelState.AddModelError(nameof(ConfirmErase), "Tick the box to confirm: erasing cannot be undone.");
            if (!await LoadAsync(null)) return NotFound();
            Response.StatusCode = 422;
            return Page();
        }
        await using var s = OpenSession();
        var result = await CustomerErasure.EraseAsync(s, Id, Aborted);
        if (result is null) return NotFound();
        await s.CommitAsync(Aborted);
        TempData["flash"] = result.AlreadyErased ? "This customer's personal data was already erased; nothing changed."
            : $"Personal data erased: {result.Anonymised.Values.Sum()} rows anonymised, {result.OtherRows} other rows cleaned. Amounts and counts are kept.";
        return Redirect($"/app/customers/{Id}#privacy");
    }
}
