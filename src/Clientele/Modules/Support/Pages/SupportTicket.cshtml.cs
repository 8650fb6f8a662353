using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Support.Pages;

/// <summary>/app/support/{id}: the ticket's conversation with Clientele support (internal notes never show: RLS) and the reply form.</summary>
public sealed class SupportTicketModel : ConsolePage
{
    public SupportThreads.Ticket? Ticket { get; private set; }
    public List<SupportThreads.Comment> Comments { get; private set; } = [];
    [BindProperty(Name = "comment")] public string? Comment { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        await using var s = OpenSession();
        return await LoadAsync(s, id) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        RequireWrite();
        ModelState.Clear();
        await using var s = OpenSession();
        var (outcome, _) = await SupportDesk.CommentAsync(s, Tenant.UserId, id, Comment, Aborted);
        if (outcome.Status == 404) return NotFound();
        if (!outcome.Ok)
        {
            ModelState.AddModelError(outcome.Field!, outcome.Message!);
            await LoadAsync(s, id);
            Response.StatusCode = outcome.Status;
            return Page();
        }
        await s.CommitAsync(Aborted);
        return LocalRedirect($"/app/support/{id}");
    }

    private async Task<bool> LoadAsync(Platform.Database.TenantSession s, Guid id)
    {
        Ticket = await SupportThreads.TicketAsync(s, id, Aborted);
        if (Ticket is null) return false;
        Comments = await SupportThreads.CommentsAsync(s, id, Aborted);
        return true;
    }
}
