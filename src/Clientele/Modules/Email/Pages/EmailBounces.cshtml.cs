using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Email.Pages;

/// <summary>
/// /app/settings/email-bounces: the addresses a bounce (DSN) marked undeliverable, which the email
/// channel no longer sends to; writers clear one once the address is fixed or the mailbox is back
/// (the same EmailBounces.ClearAsync as POST /api/v1/email_bounces/{id}/clear).
/// </summary>
public sealed class EmailBouncesModel : ConsolePage
{
    public const int Limit = 200;
    public IReadOnlyList<EmailBounces.Row> Rows { get; private set; } = [];
    public string? Flash { get; private set; }
    [BindProperty] public Guid BounceId { get; set; }

    public async Task OnGetAsync()
    {
        Flash = TempData["flash"] as string;
        await using var s = OpenSession();
        Rows = await EmailBounces.ListAsync(s, Limit, Aborted);
    }

    public async Task<IActionResult> OnPostClearAsync()
    {
        RequireWrite();
        await using var s = OpenSession();
        var address = await EmailBounces.ClearAsync(s, BounceId, Aborted);
        if (address is null) return NotFound();
        await s.CommitAsync(Aborted);
        TempData["flash"] = $"{address} cleared: replies are sent to it again.";
        return Redirect("/app/settings/email-bounces");
    }

    public static string When(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
