using Clientele.Platform.Errors;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Approvals.Pages;

/// <summary>
/// /app/approvals: the queue of AI-proposed actions. Pending (oldest first) or decided (newest
/// first); approve or reject with a comment. A decision someone else made first is reported as
/// "Already approved by X" in place of the buttons, never as an error page.
/// </summary>
public sealed class ApprovalsModel : ConsolePage
{
    public bool ShowDecided { get; private set; }
    public IReadOnlyList<QueuedApproval> Items { get; private set; } = [];
    public long PendingCount { get; private set; }
    /// <summary>The outcome of the decision just posted, shown on its card.</summary>
    public (Guid Id, bool Applied, string Message)? Outcome { get; private set; }

    [BindProperty] public Guid ApprovalId { get; set; }
    [BindProperty] public string? Decision { get; set; }
    [BindProperty] public string? Comment { get; set; }

    public async Task OnGetAsync(string? view)
    {
        ShowDecided = view == "decided";
        if (TempData["outcome"] is string o && o.Split('|', 3) is [var id, var applied, var message] && Guid.TryParse(id, out var gid))
            Outcome = (gid, applied == "1", message);
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostDecideAsync()
    {
        RequireWrite();
        if (Decision is not ("approve" or "reject")) ModelState.AddModelError(nameof(Decision), "Choose approve or reject.");
        DecisionResult? result = null;
        if (ModelState.IsValid)
        {
            try
            {
                result = await Service<ApprovalDecider>().DecideAsync(Tenant, ApprovalId, Decision == "approve", Comment, Aborted);
            }
            catch (ProblemException p) when (p.Status == 422 && p.Errors is not null)
            {
                foreach (var (_, messages) in p.Errors) foreach (var m in messages) ModelState.AddModelError(nameof(Comment), "The comment " + m + ".");
            }
        }
        if (result is null)
        {
            // Re-render the queue with the card's field message (and the comment as typed).
            Response.StatusCode = 422;
            Outcome = (ApprovalId, false, "");
            await LoadAsync();
            return Page();
        }
        TempData["outcome"] = $"{ApprovalId}|{(result.Applied ? "1" : "0")}|{result.Message}";
        return Redirect($"/app/approvals#approval-{ApprovalId}");
    }

    private async Task LoadAsync()
    {
        await using var s = OpenSession();
        Items = await ApprovalQueue.ListAsync(s, pending: !ShowDecided, ApprovalQueue.PageSize, Aborted);
        PendingCount = await ApprovalQueue.PendingCountAsync(s, Aborted);
        // The card just decided stays visible (with its outcome) even though it left the pending list.
        if (Outcome is { } o && Items.All(i => i.Id != o.Id) && await ApprovalQueue.FindAsync(s, o.Id, Aborted) is { } decided)
            Items = [decided, .. Items];
    }

    public static string Title(string action)
    {
        var t = action.Replace('_', ' ');
        return t.Length == 0 ? "Action" : char.ToUpperInvariant(t[0]) + t[1..];
    }
}
