using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Events;
using Npgsql;

namespace Clientele.Modules.Success.Health;

/// <summary>
/// Turns the detectors' findings into risk_signals rows: a condition that starts holding opens one
/// signal of its type (never two: a partial unique index backs it), one that still holds updates
/// the open signal's severity and description, and an auto-detected signal whose condition cleared
/// is resolved with a note. Manual signals are never touched by the detectors.
/// </summary>
public static class RiskSignalWriter
{
    public sealed record OpenSignal(Guid Id, Guid CustomerId, string Type, bool AutoDetected, string Severity, string? Description);

    public sealed record Changes(IReadOnlyList<string> Opened, IReadOnlyList<string> Resolved);

    public static async Task<Dictionary<Guid, List<OpenSignal>>> OpenAsync(TenantSession s, Guid[] customers, CancellationToken ct)
    {
        var rows = await s.QueryAsync("""
            SELECT id, customer_id, signal_type, auto_detected, severity, description FROM risk_signals
            WHERE organization_id = $1 AND customer_id = ANY($2) AND resolved_at IS NULL
            """, [s.OrganizationId, customers], r => new OpenSignal(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetBoolean(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)), ct);
        return rows.GroupBy(o => o.CustomerId).ToDictionary(g => g.Key, g => g.ToList());
    }

    /// <summary>
    /// Adds the statements and events for one customer to the caller's batch. The updates name the
    /// customer as well as the id: before risk_signals has statistics, the generic plan of "organization
    /// and id" took a partial index on the organization alone and read every open signal of it for each
    /// update (bench health 20,000, next night: 5,000 buffers a call); with the customer every index it
    /// can choose is a narrow probe.
    /// </summary>
    public static Changes Plan(TenantSession s, Guid customerId, IReadOnlyList<DetectedSignal> detected, IReadOnlyList<OpenSignal> open, DateTime now,
        List<NpgsqlBatchCommand> batch, List<DomainEventInput> events)
    {
        var opened = new List<string>();
        var resolved = new List<string>();
        foreach (var d in detected)
        {
            var existing = open.FirstOrDefault(o => o.Type == d.Type);
            if (existing is null)
            {
                var id = Guid.CreateVersion7();
                var metadata = d.Metadata.DeepClone().AsObject();
                metadata["detector"] = d.Type;
                batch.Add(SqlArg.Batch("""
                    INSERT INTO risk_signals (id, organization_id, customer_id, signal_type, severity, description, detected_at, auto_detected, source, metadata)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8, $9)
                    ON CONFLICT (organization_id, customer_id, signal_type) WHERE resolved_at IS NULL DO NOTHING
                    """, id, s.OrganizationId, customerId, d.Type, d.Severity, d.Description, now, d.Source, metadata));
                var data = new JsonObject
                {
                    ["id"] = id, ["customer_id"] = customerId, ["signal_type"] = d.Type, ["severity"] = d.Severity, ["description"] = d.Description,
                    ["auto_detected"] = true, ["source"] = d.Source, ["detected_at"] = now, ["metadata"] = metadata.DeepClone(),
                };
                events.Add(new DomainEventInput("risk_signals.created", "risk_signals", id, data));
                events.Add(new DomainEventInput("risk_signal.created", "risk_signals", id, data.DeepClone().AsObject()));
                opened.Add(d.Type);
            }
            else if (existing.AutoDetected && (existing.Severity != d.Severity || existing.Description != d.Description))
            {
                batch.Add(SqlArg.Batch("""
                    UPDATE risk_signals SET severity = $3, description = $4, metadata = coalesce(metadata, '{}'::jsonb) || $5
                    WHERE organization_id = $1 AND customer_id = $6 AND id = $2 AND resolved_at IS NULL
                    """, s.OrganizationId, existing.Id, d.Severity, d.Description, d.Metadata.DeepClone(), customerId));
            }
        }
        foreach (var o in open.Where(o => o.AutoDetected && RiskDetectors.Types.Contains(o.Type) && detected.All(d => d.Type != o.Type)))
        {
            var note = $"Auto-resolved on {now:yyyy-MM-dd HH:mm} UTC: the condition no longer holds.";
            batch.Add(SqlArg.Batch("""
                UPDATE risk_signals SET resolved_at = greatest($3, detected_at), resolution_notes = $4
                WHERE organization_id = $1 AND customer_id = $5 AND id = $2 AND resolved_at IS NULL
                """, s.OrganizationId, o.Id, now, note, customerId));
            events.Add(new DomainEventInput("risk_signal.resolved", "risk_signals", o.Id,
                new JsonObject { ["id"] = o.Id, ["customer_id"] = customerId, ["signal_type"] = o.Type, ["resolution_notes"] = note, ["auto_detected"] = true }));
            resolved.Add(o.Type);
        }
        return new Changes(opened, resolved);
    }
}
