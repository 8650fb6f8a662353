using System.Globalization;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Events;

namespace Clientele.Modules.Success.Qbrs;

/// <summary>
/// Drafts a QBR (issue 11 item 6) from the account's rows over the quarter: health (now, at the
/// start, low and high, the recorded points), usage against the quarter before (weekly DAU for the
/// chart), conversations and their resolution, invoices and payments, meetings, open risk signals,
/// open expansion and the next renewal; then wins, challenges and action items derived from those
/// numbers. One prepared QBR per customer and quarter: preparing again refreshes the draft and
/// clears its review (the numbers changed, so someone reviews them again).
/// </summary>
public static class QbrPreparer
{
    public sealed record Prepared(Guid Id, bool Created);

    /// <summary>What a QBR of the quarter would say, read from the rows without writing (the copilot's "prepare me for the QBR" too).</summary>
    public sealed record Draft(string Quarter, QbrFacts Facts, JsonObject Data, string Summary, JsonArray Wins, JsonArray Challenges, JsonArray Actions, bool ExpansionOpen);

    public static async Task<Prepared> PrepareAsync(TenantSession s, Guid customer, DateOnly quarterStart, Guid? userId, DateTime now, CancellationToken ct)
    {
        var (quarter, f, data, summary, wins, challenges, actions, expansionOpen) = await DraftAsync(s, customer, quarterStart, now, ct);
        var org = s.OrganizationId;
        await s.BeginAsync(ct);
        var id = Guid.CreateVersion7();
        var row = await s.ReadFirstAsync("""
            INSERT INTO qbrs (id, organization_id, customer_id, quarter, status, summary, wins, challenges, action_items, nps_score, health_score_at_qbr,
                              expansion_discussed, renewal_discussed, created_by, prepared_data, prepared_at)
            VALUES ($1, $2, $3, $4, 'planned', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            ON CONFLICT (organization_id, customer_id, quarter) WHERE prepared_at IS NOT NULL DO UPDATE
              SET summary = EXCLUDED.summary, wins = EXCLUDED.wins, challenges = EXCLUDED.challenges, action_items = EXCLUDED.action_items,
                  nps_score = EXCLUDED.nps_score, health_score_at_qbr = EXCLUDED.health_score_at_qbr, expansion_discussed = EXCLUDED.expansion_discussed,
                  renewal_discussed = EXCLUDED.renewal_discussed, prepared_data = EXCLUDED.prepared_data, prepared_at = EXCLUDED.prepared_at,
                  reviewed_by = NULL, reviewed_at = NULL, shared_at = NULL
              WHERE qbrs.status <> 'completed'
            RETURNING id, (xmax = 0)
            """, [id, org, customer, quarter, summary, wins, challenges, actions, SqlArg.Typed(f.NpsScore, NpgsqlTypes.NpgsqlDbType.Integer),
                SqlArg.Typed(f.HealthNow, NpgsqlTypes.NpgsqlDbType.Integer), expansionOpen, f.RenewalDate is { } d && d <= now.AddDays(180), SqlArg.Uuid(userId), data, now],
            r => new Prepared(r.GetGuid(0), r.GetBoolean(1)), ct)
            ?? throw ProblemException.Conflict($"The {quarter} QBR of this customer is completed; its draft is no longer prepared again.");
        await DomainEvents.PublishRowAsync(s, "qbrs", row.Id, ct, null, row.Created ? "qbrs.created" : "qbrs.updated", "qbr.prepared");
        return row;
    }

    public static async Task<Draft> DraftAsync(TenantSession s, Guid customer, DateOnly quarterStart, DateTime now, CancellationToken ct)
    {
        var start = quarterStart.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        if (start > now) throw ProblemException.Validation("quarter", "has not started yet: prepare the QBR of a quarter that has begun (usually the last one).");
        var quarterEnd = quarterStart.AddMonths(3).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = quarterEnd < now ? quarterEnd : now;
        var quarter = $"Q{(quarterStart.Month - 1) / 3 + 1} {quarterStart.Year}";
        var f = await QbrFacts.ReadAsync(s, customer, start, end, ct) ?? throw ProblemException.NotFound($"No customer with id {customer}.");
        var org = s.OrganizationId;
        var dauWeeks = await s.ReadListAsync("""
            SELECT date_trunc('week', metric_date)::date, round(avg(dau)::numeric, 1) FROM usage_metrics
            WHERE organization_id = $1 AND customer_id = $2 AND metric_date >= $3::date AND metric_date < $4::date AND dau IS NOT NULL
            GROUP BY 1 ORDER BY 1
            """, [org, customer, start, end], r => new JsonObject { ["week"] = r.GetFieldValue<DateOnly>(0).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["dau"] = r.GetDecimal(1) }, ct);
        var healthPoints = await s.ReadListAsync("""
            SELECT recorded_at, score FROM health_score_history WHERE organization_id = $1 AND customer_id = $2 AND recorded_at >= $3 AND recorded_at < $4
            ORDER BY recorded_at LIMIT 200
            """, [org, customer, start, end], r => new JsonObject { ["at"] = DateTime.SpecifyKind(r.GetDateTime(0), DateTimeKind.Utc), ["score"] = r.GetInt32(1) }, ct);
        var risks = await s.ReadListAsync("""
            SELECT signal_type, severity, coalesce(description, signal_type) FROM risk_signals WHERE organization_id = $1 AND customer_id = $2 AND resolved_at IS NULL
            ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, detected_at DESC LIMIT 10
            """, [org, customer], r => (Type: r.GetString(0), Severity: r.GetString(1), Description: r.GetString(2)), ct);
        var expansion = await s.ReadListAsync("""
            SELECT opportunity_type, coalesce(product_line, ''), estimated_value FROM expansion_opportunities
            WHERE organization_id = $1 AND customer_id = $2 AND stage NOT IN ('closed_won', 'closed_lost') ORDER BY estimated_value DESC NULLS LAST LIMIT 5
            """, [org, customer], r => (Type: r.GetString(0), Line: r.GetString(1), Value: r.IsDBNull(2) ? (decimal?)null : r.GetDecimal(2)), ct);

        var (wins, challenges, actions) = Narrative(f, risks, expansion, now);
        var data = new JsonObject
        {
            ["customer"] = f.Name, ["quarter"] = quarter, ["period_start"] = D(start), ["period_end"] = D(end.AddDays(-1) < start ? start : end.AddDays(-1)),
            ["plan"] = f.Plan, ["arr"] = f.Arr, ["nps_score"] = f.NpsScore,
            ["health"] = new JsonObject { ["now"] = f.HealthNow, ["at_start"] = f.HealthAtStart, ["low"] = f.HealthMin, ["high"] = f.HealthMax, ["points"] = new JsonArray([.. healthPoints]) },
            ["usage"] = new JsonObject
            {
                ["dau_avg"] = R(f.DauAvg), ["dau_avg_previous_period"] = R(f.DauAvgBefore), ["dau_change_percent"] = Change(f.DauAvg, f.DauAvgBefore),
                ["mau_latest"] = f.MauLatest, ["logins"] = f.Logins, ["api_calls"] = f.ApiCalls, ["adoption_score"] = f.Adoption, ["features_used"] = f.FeaturesUsed,
                ["weekly_dau"] = new JsonArray([.. dauWeeks]),
            },
            ["support"] = new JsonObject
            {
                ["conversations"] = f.Conversations, ["resolved"] = f.ConversationsResolved, ["escalated"] = f.Escalations,
                ["resolution_rate_percent"] = f.Conversations == 0 ? null : Math.Round(100.0 * f.ConversationsResolved / f.Conversations, 1),
                ["sentiment_avg"] = R(f.Sentiment, 2), ["csat_avg"] = R(f.Csat, 2), ["open_now"] = f.OpenConversations,
            },
            ["billing"] = new JsonObject
            {
                ["invoices"] = f.InvoicesIssued, ["invoiced"] = f.AmountInvoiced, ["paid"] = f.AmountPaid, ["overdue_invoices_now"] = f.OverdueInvoices,
                ["overdue_amount_now"] = f.OverdueAmount, ["failed_payments"] = f.FailedPayments,
            },
            ["engagement"] = new JsonObject { ["meetings"] = f.Meetings },
            ["risks"] = new JsonArray([.. risks.Select(r => (JsonNode)new JsonObject { ["type"] = r.Type, ["severity"] = r.Severity, ["description"] = r.Description })]),
            ["expansion"] = new JsonArray([.. expansion.Select(x => (JsonNode)new JsonObject { ["type"] = x.Type, ["product_line"] = x.Line, ["estimated_value"] = x.Value })]),
            ["renewal"] = f.RenewalDate is { } rd ? new JsonObject { ["date"] = D(rd), ["arr"] = f.RenewalArr, ["probability"] = f.RenewalProbability } : null,
        };
        var summary = $"{f.Name}, {quarter}: health {f.HealthNow?.ToString(CultureInfo.InvariantCulture) ?? "not computed"}"
                      + (f.HealthAtStart is { } hs && f.HealthNow is { } hn ? $" ({(hn >= hs ? "up" : "down")} from {hs})" : "")
                      + $"; {f.Conversations} conversation{(f.Conversations == 1 ? "" : "s")} ({f.ConversationsResolved} resolved)"
                      + (f.DauAvg is { } dau ? $"; {dau:0.#} daily active users on average" : "")
                      + $"; {Money(f.AmountPaid)} paid of {Money(f.AmountInvoiced)} invoiced"
                      + (risks.Count > 0 ? $"; {risks.Count} open risk signal{(risks.Count == 1 ? "" : "s")}." : ".");

        return new Draft(quarter, f, data, summary, wins, challenges, actions, expansion.Count > 0);
    }

    /// <summary>Wins, challenges and action items from the numbers (each names the number it rests on).</summary>
    public static (JsonArray Wins, JsonArray Challenges, JsonArray Actions) Narrative(QbrFacts f,
        IReadOnlyList<(string Type, string Severity, string Description)> risks, IReadOnlyList<(string Type, string Line, decimal? Value)> expansion, DateTime now)
    {
        var wins = new JsonArray();
        var challenges = new JsonArray();
        var actions = new JsonArray();
        var due = D(now.AddDays(30));
        if (Change(f.DauAvg, f.DauAvgBefore) is { } dc)
        {
            if (dc >= 10) wins.Add($"Daily active users up {dc}% on the period before ({f.DauAvgBefore:0.#} → {f.DauAvg:0.#}).");
            else if (dc <= -10)
            {
                challenges.Add($"Daily active users down {-dc}% on the period before ({f.DauAvgBefore:0.#} → {f.DauAvg:0.#}).");
                actions.Add(Action("Run an adoption session with the team whose usage dropped.", due));
            }
        }
        if (f.HealthNow is { } hn && f.HealthAtStart is { } hs)
        {
            if (hn >= hs + 5) wins.Add($"Health improved from {hs} to {hn}.");
            else if (hn <= hs - 5) challenges.Add($"Health fell from {hs} to {hn}.");
        }
        if (f.Conversations > 0 && f.ConversationsResolved * 100 >= f.Conversations * 80)
            wins.Add($"{f.ConversationsResolved} of {f.Conversations} support conversations resolved.");
        if (f.Csat is { } csat && csat >= 4) wins.Add($"Average CSAT {csat:0.0} of 5.");
        if (f.Escalations > 0)
        {
            challenges.Add($"{f.Escalations} conversation{(f.Escalations == 1 ? " was" : "s were")} escalated.");
            actions.Add(Action("Review the escalated conversations and their root cause with the customer.", due));
        }
        if (f.InvoicesIssued > 0 && f.OverdueInvoices == 0 && f.FailedPayments == 0) wins.Add($"All {f.InvoicesIssued} invoice{(f.InvoicesIssued == 1 ? "" : "s")} of the period settled on time, nothing overdue.");
        if (f.OverdueInvoices > 0)
        {
            challenges.Add($"{f.OverdueInvoices} overdue invoice{(f.OverdueInvoices == 1 ? "" : "s")}, {Money(f.OverdueAmount)} outstanding.");
            actions.Add(Action($"Agree a payment date for the {Money(f.OverdueAmount)} overdue.", D(now.AddDays(14))));
        }
        if (f.FeaturesUsed >= 5) wins.Add($"{f.FeaturesUsed} features in use.");
        foreach (var r in risks.Where(r => r.Severity is "high" or "critical" or "medium").Take(3))
        {
            var text = $"{r.Type.Replace('_', ' ')} ({r.Severity}): {r.Description}";
            if (!challenges.Any(c => c!.GetValue<string>() == text)) challenges.Add(text);
        }
        foreach (var x in expansion.Take(2))
            actions.Add(Action($"Discuss {x.Type.Replace('-', ' ')}{(x.Line.Length > 0 ? " (" + x.Line + ")" : "")}{(x.Value is { } v ? $", about {Money(v)} a year" : "")}.", due));
        if (f.RenewalDate is { } rd && rd <= now.AddDays(180))
            actions.Add(Action($"Confirm the renewal of {D(rd)}{(f.RenewalArr is { } ra ? $" ({Money(ra)} ARR)" : "")} and who signs it.", D(rd.AddDays(-30) < now ? now.AddDays(7) : rd.AddDays(-30))));
        if (actions.Count == 0) actions.Add(Action("Agree next quarter's goals and how they will be measured.", due));
        return (wins, challenges, actions);
    }

    private static JsonObject Action(string item, string due) => new() { ["item"] = item, ["due"] = due, ["owner"] = "CSM" };
    private static string D(DateTime d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string Money(decimal v) => v.ToString("#,##0.00", CultureInfo.InvariantCulture);
    private static double? R(double? v, int places = 1) => v is { } x ? Math.Round(x, places) : null;
    private static double? Change(double? now, double? before) => now is { } n && before is { } b && b > 0 ? Math.Round((n - b) / b * 100, 1) : null;
}
