using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Events;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Integrations.Google;

/// <summary>SQL of booking: the organization's calendar settings, links, meetings rows and the extraction's demo time.</summary>
internal static class MeetingRecords
{
    /// <summary>organizations.settings->'calendar', if any.</summary>
    public static async Task<JsonElement?> CalendarSettingsAsync(TenantSession s, CancellationToken ct)
    {
        await using var r = await s.ReadAsync("SELECT settings->'calendar' FROM organizations WHERE id = $1",
            [new NpgsqlParameter { Value = s.OrganizationId, NpgsqlDbType = NpgsqlDbType.Uuid }], ct);
        if (!await r.ReadAsync(ct) || r.IsDBNull(0)) return null;
        using var doc = JsonDocument.Parse(r.GetString(0));
        return doc.RootElement.Clone();
    }

    /// <summary>Serializes bookings on one calendar until the transaction ends.</summary>
    public static async Task LockCalendarAsync(TenantSession s, CalendarOwner owner, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ct);
        cmd.Parameters.Add(new NpgsqlParameter { Value = $"meetings:{s.OrganizationId}:{owner.Key}", NpgsqlDbType = NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Scheduled meetings booked through Google on this calendar that overlap [from, to).</summary>
    public static async Task<List<TimeRange>> BookedAsync(TenantSession s, CalendarOwner owner, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        // Bookings last at most 8 hours, so the scheduled_at bound can use idx_meetings_scheduled_at.
        await using var r = await s.ReadAsync("""
            SELECT scheduled_at, scheduled_at + make_interval(mins => duration_minutes) FROM meetings
            WHERE organization_id = $1 AND status = 'scheduled' AND metadata->>'calendar_owner' = $2
              AND scheduled_at < $4 AND scheduled_at > $3 - interval '1 day'
              AND scheduled_at + make_interval(mins => duration_minutes) > $3
            """,
            [
                new NpgsqlParameter { Value = s.OrganizationId, NpgsqlDbType = NpgsqlDbType.Uuid },
                new NpgsqlParameter { Value = owner.Key, NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter { Value = from.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                new NpgsqlParameter { Value = to.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz },
            ], ct);
        var list = new List<TimeRange>();
        while (await r.ReadAsync(ct)) list.Add(new TimeRange(r.GetFieldValue<DateTimeOffset>(0), r.GetFieldValue<DateTimeOffset>(1)));
        return list;
    }

    /// <summary>Whether the conversation exists, and its customer.</summary>
    public static async Task<(bool Exists, Guid? CustomerId)> ConversationAsync(TenantSession s, Guid id, CancellationToken ct)
    {
        await using var r = await s.ReadAsync("SELECT customer_id FROM conversations WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL",
            [new NpgsqlParameter { Value = s.OrganizationId, NpgsqlDbType = NpgsqlDbType.Uuid }, new NpgsqlParameter { Value = id, NpgsqlDbType = NpgsqlDbType.Uuid }], ct);
        if (!await r.ReadAsync(ct)) return (false, null);
        return (true, r.IsDBNull(0) ? null : r.GetGuid(0));
    }

    public static async Task<bool> ExistsAsync(TenantSession s, string table, Guid id, CancellationToken ct)
    {
        var sql = table switch
        {
            "customers" => "SELECT 1 FROM customers WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL",
            "agent_sessions" => "SELECT 1 FROM agent_sessions WHERE organization_id = $1 AND id = $2",
            _ => throw new ArgumentOutOfRangeException(nameof(table)),
        };
        await using var r = await s.ReadAsync(sql,
            [new NpgsqlParameter { Value = s.OrganizationId, NpgsqlDbType = NpgsqlDbType.Uuid }, new NpgsqlParameter { Value = id, NpgsqlDbType = NpgsqlDbType.Uuid }], ct);
        return await r.ReadAsync(ct);
    }

    public sealed record NewMeeting(Guid Id, Guid? CustomerId, Guid? ConversationId, Guid? SessionId, string Title, string? Description,
        string? CustomerName, string CustomerEmail, string[] Participants, JsonArray Attendees, TimeRange When, int DurationMinutes,
        string TimeZone, string? MeetingUrl, string CalendarEventId, JsonObject Metadata);

    public static async Task InsertAsync(TenantSession s, NewMeeting m, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync("""
            INSERT INTO meetings (id, organization_id, customer_id, conversation_id, session_id, title, description, customer_name, customer_email,
              participants, attendees, scheduled_at, duration_minutes, timezone, meeting_url, calendar_event_id, status, metadata)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'scheduled', $17)
            """, ct);
        var p = cmd.Parameters;
        p.Add(new NpgsqlParameter { Value = m.Id, NpgsqlDbType = NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter { Value = s.OrganizationId, NpgsqlDbType = NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter { Value = (object?)m.CustomerId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter { Value = (object?)m.ConversationId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter { Value = (object?)m.SessionId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter { Value = m.Title, NpgsqlDbType = NpgsqlDbType.Varchar });
        p.Add(new NpgsqlParameter { Value = (object?)m.Description ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = (object?)m.CustomerName ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        p.Add(new NpgsqlParameter { Value = m.CustomerEmail, NpgsqlDbType = NpgsqlDbType.Varchar });
        p.Add(new NpgsqlParameter { Value = m.Participants, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = m.Attendees.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        p.Add(new NpgsqlParameter { Value = m.When.Start.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter { Value = m.DurationMinutes, NpgsqlDbType = NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter { Value = m.TimeZone, NpgsqlDbType = NpgsqlDbType.Varchar });
        p.Add(new NpgsqlParameter { Value = (object?)m.MeetingUrl ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = m.CalendarEventId, NpgsqlDbType = NpgsqlDbType.Varchar });
        p.Add(new NpgsqlParameter { Value = m.Metadata.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await cmd.ExecuteNonQueryAsync(ct);
        await DomainEvents.PublishRowAsync(s, "meetings", m.Id, ct, null, "meeting.booked");
    }

    /// <summary>Seed 001: the conversation's current extraction records when the demo is.</summary>
    public static async Task<int> SetDemoTimeAsync(TenantSession s, Guid conversationId, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync(
            "UPDATE extractions SET demo_book_datetime = $3 WHERE organization_id = $1 AND conversation_id = $2 AND is_latest", ct);
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.OrganizationId, NpgsqlDbType = NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = conversationId, NpgsqlDbType = NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = at.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
