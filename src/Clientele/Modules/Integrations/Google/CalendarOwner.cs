namespace Clientele.Modules.Integrations.Google;

/// <summary>
/// Whose Google account: the organization's own (google_tokens.user_id NULL, seed 001: the account
/// the AI agents book demos on) or one user's (seed 003: a CSM's calendar).
/// </summary>
public readonly record struct CalendarOwner(Guid? UserId)
{
    public static CalendarOwner Organization => new(null);
    public static CalendarOwner User(Guid userId) => new(userId);

    public bool IsOrganization => UserId is null;
    /// <summary>Stored in meetings.metadata.calendar_owner so that bookings on one calendar can be checked against each other.</summary>
    public string Key => UserId is { } u ? "user:" + u : "organization";
    public override string ToString() => Key;
}
