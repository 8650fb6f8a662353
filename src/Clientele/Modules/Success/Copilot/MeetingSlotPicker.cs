using Clientele.Modules.Integrations.Google;
using Clientele.Platform.Database;
using Microsoft.Extensions.Logging;

namespace Clientele.Modules.Success.Copilot;

/// <summary>
/// A start for a proposed meeting that names none: the first free slot on the calendar (Google
/// free/busy, in working hours), or, when the calendar cannot be read (not connected, Google down),
/// the start of the next working day in the calendar's time zone; booking checks the slot again.
/// </summary>
public sealed class MeetingSlotPicker(MeetingScheduler scheduler, TimeProvider clock, ILogger<MeetingSlotPicker> logger)
{
    /// <summary>The CSM's own Google Calendar when they connected one, else the organization's.</summary>
    public static async Task<CalendarOwner> OwnerAsync(TenantSession s, Guid? userId, CancellationToken ct) =>
        userId is { } u && await GoogleTokenStore.ReadAsync(s, CalendarOwner.User(u), forUpdate: false, ct) is not null
            ? CalendarOwner.User(u) : CalendarOwner.Organization;

    public async Task<(DateTimeOffset Start, string Source)> PickAsync(TenantSession s, CalendarOwner owner, int minutes, CancellationToken ct)
    {
        try
        {
            var offer = await scheduler.FindFreeSlotsAsync(s, new SlotQuery(Days: 10, DurationMinutes: minutes, Limit: 1, Owner: owner), ct);
            if (offer.Slots.Count > 0) return (offer.Slots[0].Start, "free_slot");
        }
        catch (Exception e) when (e is GoogleNotConnectedException or GoogleApiException)
        {
            logger.LogInformation("no free/busy for the copilot's meeting proposal ({Reason}); proposing the next working day", e.Message);
        }
        var hours = await scheduler.WorkingHoursAsync(s, ct);
        // Tomorrow or later, so the proposal is still in the future when someone approves it.
        var days = SlotFinder.Workdays(hours, clock.GetUtcNow().AddDays(1), 1);
        return (days.Count > 0 ? days[0].Start : clock.GetUtcNow().AddDays(1), "next_working_day");
    }
}
