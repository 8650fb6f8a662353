using Clientele.Modules.BackOffice.Tickets;
using Clientele.Modules.Support;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.BackOffice.Pages;

/// <summary>/admin/tickets?status=&amp;mine=: the queue of every organization's tickets (support, admin, super_admin).</summary>
public sealed class StaffTicketsModel(StaffTickets tickets) : StaffPage
{
    [BindProperty(SupportsGet = true, Name = "status")] public string Status { get; set; } = "active";
    [BindProperty(SupportsGet = true, Name = "mine")] public bool Mine { get; set; }
    public List<StaffTickets.QueueRow> Rows { get; private set; } = [];
    private Dictionary<Guid, string> _names = [];

    public IEnumerable<(string Value, string Label)> StatusChoices =>
        new[] { ("active", "Not resolved"), ("all", "All") }.Concat(SupportThreads.Statuses.Select(s => (s, s.Replace('_', ' '))));

    public string NameOf(Guid id) => _names.GetValueOrDefault(id, "former staff");

    public async Task OnGetAsync()
    {
        Require(StaffPermission.AnswerTickets);
        if (!StatusChoices.Any(c => c.Value == Status)) Status = "active";
        Rows = await tickets.QueueAsync(Staff, Status, Mine, Aborted);
        _names = (await tickets.AssigneesAsync(Staff, Aborted)).ToDictionary(a => a.Id, a => a.Name);
    }
}
