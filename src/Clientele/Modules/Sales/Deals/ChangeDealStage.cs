using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Sales.Deals;

/// <summary>
/// stage: moves a deal. probability becomes the stage's default unless given; closing sets
/// closed_at; closed_lost needs lost_reason (the deals trigger, migration 0051, holds the same
/// rules for every other write). Publishes deal.stage_changed. Winning a deal that describes a
/// subscription (extra_metadata.plan, seats, billing_cycle) creates or changes the customer's
/// subscription in the same transaction (DealSubscription).
/// </summary>
public static class ChangeDealStage
{
    public sealed record Body(string? Stage, int? Probability, string? LostReason);

    public static async Task<ActionOutcome> RunAsync(TenantSession s, Guid id, Body body, CancellationToken ct)
    {
        if (body.Stage is null || !DealStages.All.Contains(body.Stage))
            return ActionOutcome.Invalid("stage", "must be one of " + string.Join(", ", DealStages.All));
        if (body.Probability is < 0 or > 100) return ActionOutcome.Invalid("probability", "must be between 0 and 100");
        if (body.Stage == "closed_lost" && string.IsNullOrWhiteSpace(body.LostReason))
            return ActionOutcome.Invalid("lost_reason", "is required when a deal is lost");
        if (body.LostReason is { Length: > 2000 }) return ActionOutcome.Invalid("lost_reason", "is longer than 2000 characters");
        if (body.LostReason is not null && body.Stage != "closed_lost") return ActionOutcome.Invalid("lost_reason", "is only for closed_lost");
        if (body.Probability is not null && DealStages.IsClosed(body.Stage))
            return ActionOutcome.Invalid("probability", $"is fixed at {DealStages.DefaultProbability(body.Stage)} for {body.Stage}");

        var before = await SalesRows.ReadAsync(s, "deals", id, ct, forUpdate: true);
        if (before is null || before["deleted_at"] is not null) return ActionOutcome.Missing($"No deal with id {id}.");
        if (before["stage"]!.GetValue<string>() == body.Stage && body.Probability is null && body.LostReason is null) return ActionOutcome.Done;
        await s.ExecuteAsync("""
            UPDATE deals SET stage = $3, probability = coalesce($4, sales_stage_probability($3)),
              lost_reason = CASE WHEN $3 = 'closed_lost' THEN $5 ELSE NULL END, updated_by = $6
            WHERE organization_id = $1 AND id = $2
            """, [s.OrganizationId, id, body.Stage, SqlArg.Typed(body.Probability, NpgsqlTypes.NpgsqlDbType.Integer),
                  SqlArg.Text(body.LostReason?.Trim()), SqlArg.Uuid(s.Tenant.ActorId)], ct);
        if (body.Stage == "closed_won" && before["stage"]!.GetValue<string>() != "closed_won")
        {
            // The won deal's subscription (extra_metadata.plan/seats); a refusal rolls the whole move back.
            var handed = await DealSubscription.ApplyAsync(s, id, DateTime.UtcNow, ct);
            if (!handed.Ok) return handed;
        }
        await SalesRows.UpdatedAsync(s, "deals", id, before, ct);
        return ActionOutcome.Done;
    }
}
