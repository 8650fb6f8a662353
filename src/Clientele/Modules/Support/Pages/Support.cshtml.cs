using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Support.Pages;

/// <summary>/app/support: the organization's tickets to Clientele and the form to open one (members and up).</summary>
public sealed class SupportModel : ConsolePage
{
    public List<SupportThreads.Ticket> Tickets { get; private set; } = [];
    [BindProperty(Name = "subject")] public string? Subject { get; set; }
    [BindProperty(Name = "description")] public string? Description { get; set; }
    [BindProperty(Name = "priority")] public string? Priority { get; set; }

    public async Task OnGetAsync()
    {
        await using var s = OpenSession();
        Tickets = await SupportThreads.ListAsync(s, Aborted);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        RequireWrite();
        ModelState.Clear();
        await using var s = OpenSession();
        var (id, errors) = await SupportDesk.OpenAsync(s, Tenant.UserId, Subject, Description, Priority, Aborted);
        if (id is null)
        {
            foreach (var (field, messages) in errors) ModelState.AddModelError(field, messages[0]);
            Tickets = await SupportThreads.ListAsync(s, Aborted);
            Response.StatusCode = 422;
            return Page();
        }
        await s.CommitAsync(Aborted);
        TempData["flash"] = "Ticket opened. Clientele support will answer here and by email.";
        return LocalRedirect($"/app/support/{id}");
    }
}
