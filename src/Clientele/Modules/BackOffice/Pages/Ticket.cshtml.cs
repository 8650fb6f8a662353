using Clientele.Modules.BackOffice.Tickets;
using Clientele.Modules.Support;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.BackOffice.Pages;

/// <summary>/admin/tickets/{id}: the whole conversation (internal notes marked), reply or note, status/priority/assignee.</summary>
public sealed class StaffTicketModel(StaffTickets tickets) : StaffPage
{
    public SupportThreads.Ticket? Ticket { get; private set; }
    public List<SupportThreads.Comment> Comments { get; private set; } = [];
    public List<StaffTickets.Assignee> Assignees { get; private set; } = [];
    [BindProperty(Name = "comment")] public string? Comment { get; set; }
    [BindProperty(Name = "internal")] public bool Internal { get; set; }
    [BindProperty(Name = "status")] public string? Status { get; set; }
    [BindProperty(Name = "priority")] public string? Priority { get; set; }
    [BindProperty(Name = "assigned_to")] public string? AssignedTo { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        Require(StaffPermission.AnswerTickets);
        return await LoadAsync(id) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostReplyAsync(Guid id)
    {
        Require(StaffPermission.AnswerTickets);
        ModelState.Clear();
        var outcome = await tickets.ReplyAsync(Staff, id, Comment, Internal, Aborted);
        if (outcome.Ok) TempData["flash"] = Internal ? "Internal note added." : "Reply sent; the organization sees it in its console and gets it by email.";
        return await AfterAsync(id, outcome);
    }

    public async Task<IActionResult> OnPostUpdateAsync(Guid id)
    {
        Require(StaffPermission.AnswerTickets);
        ModelState.Clear();
        Guid? assignee = null;
        if (!string.IsNullOrEmpty(AssignedTo))
        {
            if (!Guid.TryParse(AssignedTo, out var g)) return await AfterAsync(id, ActionOutcome.Invalid("assigned_to", "Choose a staff member from the list."));
            assignee = g;
        }
        var outcome = await tickets.UpdateAsync(Staff, id, Status, Priority, assignee, Aborted);
        if (outcome.Ok) TempData["flash"] = "Ticket saved.";
        return await AfterAsync(id, outcome);
    }

    private async Task<IActionResult> AfterAsync(Guid id, ActionOutcome outcome)
    {
        if (outcome.Ok) return LocalRedirect($"/admin/tickets/{id}");
        if (outcome.Status == 404 || !await LoadAsync(id)) return NotFound();
        ModelState.AddModelError(outcome.Field ?? "comment", outcome.Message ?? "Not saved.");
        Response.StatusCode = outcome.Status;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        var thread = await tickets.ThreadAsync(Staff, id, Aborted);
        if (thread is null) return false;
        (Ticket, Comments) = thread.Value;
        Assignees = await tickets.AssigneesAsync(Staff, Aborted);
        return true;
    }
}
