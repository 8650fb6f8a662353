using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using NpgsqlTypes;

namespace Clientele.Modules.Sales.Activities;

/// <summary>
/// The sales activity actions (docs/sales.md, "Sales activities"): complete (once: 409 when it
/// already is) and reschedule an open one (which clears its overdue mark, migration 0107, so a
/// missed new time notifies again). Audited, with sales_activities.updated and
/// sales_activity.completed / sales_activity.rescheduled.
/// </summary>
public static class ActivityActions
{
    public sealed record CompleteBody(string? Outcome, DateTime? CompletedAt, string? Description);
    public sealed record RescheduleBody(DateTime? ScheduledAt);

    public static async Task<ActionOutcome> CompleteAsync(TenantSession s, Guid id, CompleteBody body, DateTime now, CancellationToken ct)
    {
        if (body.Outcome is { Length: > 50 }) return ActionOutcome.Invalid("outcome", "is longer than 50 characters");
        if (body.CompletedAt is { } at && at.ToUniversalTime() > now.AddMinutes(5)) return ActionOutcome.Invalid("completed_at", "is in the future");
        if (body.Description is { Length: > 10_000 }) return ActionOutcome.Invalid("description", "is longer than 10000 characters");
        var before = await SalesRows.ReadAsync(s, "sales_activities", id, ct, forUpdate: true);
        if (before is null || before["deleted_at"] is not null) return ActionOutcome.Missing($"No sales activity with id {id}.");
        if (before["completed_at"] is { } done)
            return new ActionOutcome(409, "completed_at", $"is already set ({done.GetValue<string>()}): the activity is completed");
        await s.ExecuteAsync("""
            UPDATE sales_activities SET completed_at = $3, outcome = coalesce($4, outcome), description = coalesce($5, description), updated_by = $6
            WHERE organization_id = $1 AND id = $2
            """, [s.OrganizationId, id, DateTime.SpecifyKind((body.CompletedAt ?? now).ToUniversalTime(), DateTimeKind.Utc),
                  SqlArg.Text(Trimmed(body.Outcome)), SqlArg.Text(Trimmed(body.Description)), SqlArg.Uuid(s.Tenant.ActorId)], ct);
        await SalesRows.UpdatedAsync(s, "sales_activities", id, before, ct, "sales_activity.completed");
        return ActionOutcome.Done;
    }

    public static async Task<ActionOutcome> RescheduleAsync(TenantSession s, Guid id, RescheduleBody body, CancellationToken ct)
    {
        if (body.ScheduledAt is not { } at) return ActionOutcome.Invalid("scheduled_at", "is required (an ISO 8601 date and time)");
        var before = await SalesRows.ReadAsync(s, "sales_activities", id, ct, forUpdate: true);
        if (before is null || before["deleted_at"] is not null) return ActionOutcome.Missing($"No sales activity with id {id}.");
        if (before["completed_at"] is not null) return new ActionOutcome(409, "completed_at", "is set: a completed activity cannot be rescheduled");
        await s.ExecuteAsync("UPDATE sales_activities SET scheduled_at = $3, updated_by = $4 WHERE organization_id = $1 AND id = $2",
            [s.OrganizationId, id, SqlArg.Typed(DateTime.SpecifyKind(at.ToUniversalTime(), DateTimeKind.Utc), NpgsqlDbType.TimestampTz), SqlArg.Uuid(s.Tenant.ActorId)], ct);
        await SalesRows.UpdatedAsync(s, "sales_activities", id, before, ct, "sales_activity.rescheduled");
        return ActionOutcome.Done;
    }

    private static string? Trimmed(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
}
