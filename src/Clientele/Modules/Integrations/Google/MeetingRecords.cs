using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Events;
using NpgsqlTypes;

namespace Clientele.Modules.Integrations.Google;

/// <summary>SQL of booking: the organization's calendar settings, links, meetings rows and the extraction's demo time.</summary>
internal static class MeetingRecords
{
    /// <summary>organizations.settings->'calendar', if any.</summary>
    public static async Task<JsonElement?> CalendarSettingsAsync(TenantSession s, CancellationToken ct)
    {
        var json = await s.ReadFirstAsync("SELECT settings->'calendar' FROM organizations WHERE id = $1", [s.OrganizationId],
            r => r.IsDBNull(0) ? null : r.GetString(0), ct);
        if (json is null) return null;
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>Serializes bookings on one calendar until the transaction ends.</summary>
    public static Task LockCalendarAsync(TenantSession s, CalendarOwner owner, CancellationToken ct) =>
        s.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [$"meetings:{s.OrganizationId}:{owner.Key}"], ct);

    /// <summary>Scheduled meetings booked through Google on this calendar that overlap [from, to).</summary>
    public static Task<List<TimeRange>> BookedAsync(TenantSession s, CalendarOwner owner, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        // Bookings last at most 8 hours, so the scheduled_at bound can use idx_meetings_scheduled_at.
        s.ReadListAsync("""
            SELECT scheduled_at, scheduled_at + make_interval(mins => duration_minutes) FROM meetings
            WHERE organization_id = $1 AND status = 'scheduled' AND metadata->>'calendar_owner' = $2
              AND scheduled_at < $4 AND scheduled_at > $3 - interval '1 day'
              AND scheduled_at + make_interval(mins => duration_minutes) > $3
            """, [s.OrganizationId, owner.Key, from.UtcDateTime, to.UtcDateTime],
            r => new TimeRange(r.GetFieldValue<DateTimeOffset>(0), r.GetFieldValue<DateTimeOffset>(1)), ct);

    /// <summary>Whether the conversation exists, and its customer.</summary>
    public static async Task<(bool Exists, Guid? CustomerId)> ConversationAsync(TenantSession s, Guid id, CancellationToken ct)
    {
        var row = await s.ReadFirstAsync("SELECT customer_id FROM conversations WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL",
            [s.OrganizationId, id], r => ((bool, Guid?)?)(true, r.IsDBNull(0) ? null : r.GetGuid(0)), ct);
        return row ?? (false, null);
    }

    public static async Task<bool> ExistsAsync(TenantSession s, string table, Guid id, CancellationToken ct)
    {
        var sql = table switch
        {
            "customers" => "SELECT 1 FROM customers WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL",
            "agent_sessions" => "SELECT 1 FROM agent_sessions WHERE organization_id = $1 AND id = $2",
            _ => throw new ArgumentOutOfRangeException(nameof(table)),
        };
        return await s.ReadFirstAsync(sql, [s.OrganizationId, id], _ => true, ct);
    }

    public sealed record NewMeeting(Guid Id, Guid? CustomerId, Guid? ConversationId, Guid? SessionId, string Title, string? Description,
        string? CustomerName, string CustomerEmail, string[] Participants, JsonArray Attendees, TimeRange When, int DurationMinutes,
        string TimeZone, string? MeetingUrl, string CalendarEventId, JsonObject Metadata);

    public static async Task InsertAsync(TenantSession s, NewMeeting m, CancellationToken ct)
    {
        await s.ExecuteAsync("""
            INSERT INTO meetings (id, organization_id, customer_id, conversation_id, session_id, title, description, customer_name, customer_email,
              participants, attendees, scheduled_at, duration_minutes, timezone, meeting_url, calendar_event_id, status, metadata)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'scheduled', $17)
            """,
            [m.Id, s.OrganizationId, SqlArg.Uuid(m.CustomerId), SqlArg.Uuid(m.ConversationId), SqlArg.Uuid(m.SessionId),
             SqlArg.Typed(m.Title, NpgsqlDbType.Varchar), SqlArg.Text(m.Description), SqlArg.Typed(m.CustomerName, NpgsqlDbType.Varchar),
             SqlArg.Typed(m.CustomerEmail, NpgsqlDbType.Varchar), m.Participants, m.Attendees, m.When.Start.UtcDateTime, m.DurationMinutes,
             SqlArg.Typed(m.TimeZone, NpgsqlDbType.Varchar), SqlArg.Text(m.MeetingUrl), SqlArg.Typed(m.CalendarEventId, NpgsqlDbType.Varchar), m.Metadata], ct);
        await DomainEvents.PublishRowAsync(s, "meetings", m.Id, ct, null, "meeting.booked");
    }

    /// <summary>Seed 001: the conversation's current extraction records when the demo is.</summary>
    public static Task<int> SetDemoTimeAsync(TenantSession s, Guid conversationId, DateTimeOffset at, CancellationToken ct) =>
        s.ExecuteAsync("UPDATE extractions SET demo_book_datetime = $3 WHERE organization_id = $1 AND conversation_id = $2 AND is_latest",
            [s.OrganizationId, conversationId, at.UtcDateTime], ct);
}
