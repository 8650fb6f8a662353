using Clientele.Modules.Conversations.Inbox;
using Clientele.Platform.Errors;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Conversations.Pages;

/// <summary>
/// /app/inbox and /app/inbox/{id}: the list, the thread and the customer sidebar. GET handlers
/// List, Head and Messages answer the fragments htmx refreshes when the inbox stream says a
/// conversation changed; POST handlers are the operator's actions (ConversationActions, as the API).
/// </summary>
public sealed class InboxModel(ConversationActions actions) : ConsolePage
{
    [BindProperty(SupportsGet = true, Name = "id")] public Guid? Id { get; set; }
    [BindProperty(SupportsGet = true, Name = "filter")] public string? Filter { get; set; }
    [BindProperty(SupportsGet = true, Name = "channel")] public string? Channel { get; set; }
    [BindProperty(SupportsGet = true, Name = "agent")] public string? Agent { get; set; }
    [BindProperty(SupportsGet = true, Name = "lead")] public string? Lead { get; set; }
    [BindProperty(SupportsGet = true, Name = "q")] public string? Search { get; set; }
    [BindProperty(SupportsGet = true, Name = "after")] public string? After { get; set; }

    public InboxList.Page List { get; private set; } = new([], null);
    public InboxThread.Thread? Thread { get; private set; }
    public List<(Guid Id, string Name)> Team { get; private set; } = [];
    public List<(Guid Id, string Name)> Agents { get; private set; } = [];
    [TempData] public string? Flash { get; set; }
    [TempData] public string? FlashError { get; set; }

    public static readonly (string Key, string Label)[] FilterTabs =
        [("mine", "Mine"), ("unassigned", "Unassigned"), ("all", "All open"), ("escalated", "Escalated"), ("closed", "Closed")];
    public static readonly (string Key, string Label)[] Channels =
        [("whatsapp", "WhatsApp"), ("instagram", "Instagram"), ("web_chat", "Webchat"), ("email", "Email"), ("api", "API")];

    public string CurrentFilter => Filter is { } f && InboxList.Filters.Contains(f) ? f : "all";

    private InboxList.Query Query => new(CurrentFilter, Channel is { Length: > 0 } c && Channels.Any(x => x.Key == c) ? c : null,
        Guid.TryParse(Agent, out var a) ? a : null, Lead == "hot" ? "hot" : null, Search, After);

    /// <summary>The link to a conversation keeping the list's filters and page.</summary>
    public string ThreadHref(Guid id) => "/app/inbox/" + id + QueryString(("handler", null));

    /// <summary>The current page's query with some parameters changed (null removes).</summary>
    public string QueryString(params (string Key, string? Value)[] changes)
    {
        var url = QueryLinks.With(Request, changes);
        var q = url.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? "" : url[q..];
    }

    /// <summary>A form action for a POST handler on this conversation.</summary>
    public string Action(string handler) => Request.Path + QueryString(("handler", handler));

    public async Task<IActionResult> OnGetAsync()
    {
        await using var s = OpenSession();
        List = await InboxList.LoadAsync(s, Tenant, Query, Aborted);
        if (Id is { } id)
        {
            Thread = await InboxThread.LoadAsync(s, id, Aborted);
            if (Thread is null) return NotFound();
        }
        Team = await InboxThread.TeamAsync(s, Aborted);
        Agents = await InboxThread.AgentsAsync(s, Aborted);
        ViewData["Title"] = Thread is null ? "Inbox" : Thread.Head.Name + " · Inbox";
        return Page();
    }

    public async Task<IActionResult> OnGetListAsync()
    {
        await using var s = OpenSession();
        List = await InboxList.LoadAsync(s, Tenant, Query, Aborted);
        return Partial("_InboxList", this);
    }

    public async Task<IActionResult> OnGetHeadAsync()
    {
        if (Id is not { } id) return NotFound();
        await using var s = OpenSession();
        var head = await InboxThread.HeadAsync(s, id, Aborted);
        if (head is null) return NotFound();
        Thread = new InboxThread.Thread(head, [], false, null, null, [], []);
        Team = await InboxThread.TeamAsync(s, Aborted);
        return Partial("_ThreadHead", this);
    }

    public async Task<IActionResult> OnGetMessagesAsync()
    {
        if (Id is not { } id) return NotFound();
        await using var s = OpenSession();
        var head = await InboxThread.HeadAsync(s, id, Aborted);
        if (head is null) return NotFound();
        var (items, truncated) = await InboxThread.ItemsAsync(s, id, Aborted);
        Thread = new InboxThread.Thread(head, items, truncated, null, null, [], []);
        return Partial("_Messages", this);
    }

    public Task<IActionResult> OnPostReplyAsync(string? content, string? mode) => Do(async id =>
    {
        if (mode == "note")
        {
            await actions.AddNoteAsync(Tenant, id, content, Aborted);
            Flash = "Private note added (not sent to the customer).";
        }
        else
        {
            await actions.SendAsync(Tenant, id, content, Aborted);
            Flash = "Reply sent.";
        }
    });

    public Task<IActionResult> OnPostAssignAsync(string? userId) => Do(async id =>
    {
        Guid? to = userId == "me" ? Tenant.UserId : Guid.TryParse(userId, out var u) ? u : null;
        await actions.AssignAsync(Tenant, id, to, Aborted);
        Flash = to is null ? "Unassigned." : to == Tenant.UserId ? "Assigned to you." : "Assigned.";
    });

    public Task<IActionResult> OnPostTakeOverAsync() => Do(async id =>
    {
        await actions.AssignAsync(Tenant, id, Tenant.UserId, Aborted);
        Flash = "You took over from the AI: it will not reply until you give the conversation back.";
    });

    public Task<IActionResult> OnPostGiveBackAsync() => Do(async id =>
    {
        await actions.GiveBackToAiAsync(Tenant, id, Aborted);
        Flash = "Given back to the AI agent.";
    });

    public Task<IActionResult> OnPostCloseAsync() => Do(async id => { await actions.CloseAsync(Tenant, id, Aborted); Flash = "Conversation closed."; });

    public Task<IActionResult> OnPostReopenAsync() => Do(async id => { await actions.ReopenAsync(Tenant, id, Aborted); Flash = "Conversation reopened."; });

    /// <summary>Runs an action, then shows the thread again (POST-redirect-GET) with what happened; bad input or a conflict is a message, not an error page.</summary>
    private async Task<IActionResult> Do(Func<string, Task> action)
    {
        RequireWrite();
        if (Id is not { } id) return NotFound();
        try
        {
            await action(id.ToString());
        }
        catch (ProblemException p) when (p.Status is 409 or 422 or 400)
        {
            Flash = null;
            FlashError = p.Errors is { Count: > 0 } e ? string.Join(" ", e.Select(x => $"{(x.Key == "content" ? "The message" : x.Key)} {string.Join(", ", x.Value)}.")) : p.Detail;
        }
        return Redirect(ThreadHref(id));
    }
}
