using System.Text.Json.Nodes;
using Clientele.Modules.Billing.Invoices;
using Clientele.Modules.Billing.Subscriptions;
using Clientele.Modules.Billing.Usage;
using Clientele.Platform.Database;
using Clientele.Platform.Events;

namespace Clientele.Modules.Billing.Renewal;

/// <summary>
/// Renews up to <c>limit</c> due subscriptions in the caller's transaction with a fixed number of
/// set-based statements (lock the batch, read plans, usage and credits, insert invoices, lines,
/// number and finalize them, publish the events, move the periods) instead of ~15 round trips per
/// subscription. The outcome is the one <see cref="RenewSubscription"/> gives row by row (same lines,
/// same numbering, same events); the rows that need more than that (a cancellation at the period
/// end, a customer with credits to apply) go through <see cref="RenewSubscription"/> itself.
/// SKIP LOCKED lets several batches run at once; the cycle invoice's unique (subscription,
/// period_start) keeps a second run for the same period from invoicing twice.
/// </summary>
public static class RenewBatch
{
    public static async Task<(int Renewed, int Canceled)> RunAsync(TenantSession s, DateTime now, int limit, CancellationToken ct)
    {
        var org = s.OrganizationId;
        var due = (await s.QueryAsync<Subscription>("""
            SELECT * FROM subscriptions WHERE organization_id = @org AND current_period_end <= @now
              AND status IN ('active', 'past_due', 'trialing') AND deleted_at IS NULL
            ORDER BY current_period_end LIMIT @limit FOR UPDATE SKIP LOCKED
            """, new { org, now, limit }, ct)).ToList();
        if (due.Count == 0) return (0, 0);

        var withCredits = (await s.QueryAsync<Guid>("""
            SELECT DISTINCT customer_id FROM credits WHERE organization_id = @org AND customer_id = ANY(@customers) AND status = 'active'
              AND deleted_at IS NULL AND amount > used_amount AND (expires_at IS NULL OR expires_at > @now)
            """, new { org, customers = due.Select(d => d.CustomerId).Distinct().ToArray(), now }, ct)).ToHashSet();
        int renewed = 0, canceled = 0;
        var fast = new List<Subscription>();
        foreach (var sub in due)
        {
            if (!sub.CancelAtPeriodEnd && !withCredits.Contains(sub.CustomerId)) { fast.Add(sub); continue; }
            var outcome = await RenewSubscription.RunAsync(s, sub.Id, now, ct);
            if (outcome == RenewSubscription.Outcome.Renewed) renewed++;
            else if (outcome == RenewSubscription.Outcome.Canceled) canceled++;
        }
        if (fast.Count == 0) return (renewed, canceled);

        var plans = (await s.QueryAsync<Plan>("SELECT * FROM plans WHERE organization_id = @org AND deleted_at IS NULL", new { org }, ct))
            .GroupBy(p => (p.Code, p.BillingCycle)).ToDictionary(g => g.Key, g => g.First());
        var rows = fast.Select(sub =>
        {
            var end = sub.CurrentPeriodEnd!.Value;
            var start = sub.CurrentPeriodStart ?? (sub.BillingCycle == "annual" ? end.AddYears(-1) : end.AddMonths(-1));
            var code = sub.ScheduledPlan ?? sub.Plan;
            var cycle = sub.ScheduledBillingCycle ?? sub.BillingCycle;
            return new Row(sub, start, end, code, cycle, SubscriptionRows.AddCycle(end, cycle),
                plans.GetValueOrDefault((sub.Plan, sub.BillingCycle)), plans.GetValueOrDefault((code, cycle)), Guid.CreateVersion7());
        }).ToList();

        // The ended periods' usage, one grouped query for the batch (by event timestamp, like UsageTotals).
        var metered = rows.Where(r => r.Sub.Status != "trialing" && r.OldPlan is not null).ToList();
        var usage = new Dictionary<Guid, List<UsageTotal>>();
        if (metered.Count > 0)
        {
            foreach (var u in await s.QueryAsync<(Guid Sub, string EventType, string? Unit, long Quantity, long Events)>("""
                SELECT k.sub, e.event_type, max(e.unit), sum(e.quantity)::bigint, count(*)
                FROM unnest(@subs, @customers, @starts, @ends) AS k(sub, cust, f, t)
                JOIN usage_events e ON e.organization_id = @org AND e.customer_id = k.cust AND e."timestamp" >= k.f AND e."timestamp" < k.t AND e.deleted_at IS NULL
                GROUP BY k.sub, e.event_type
                """, new
                {
                    org, subs = metered.Select(r => r.Sub.Id).ToArray(), customers = metered.Select(r => r.Sub.CustomerId).ToArray(),
                    starts = metered.Select(r => r.Start).ToArray(), ends = metered.Select(r => r.End).ToArray(),
                }, ct))
                (usage.TryGetValue(u.Sub, out var l) ? l : usage[u.Sub] = []).Add(new UsageTotal(u.EventType, u.Unit, u.Quantity, u.Events));
        }

        // Each draft is inserted with the totals of the lines written next (the line trigger's refresh then
        // finds nothing to change: no second version of every invoice); the database stays the judge of them.
        var draftLines = rows.ToDictionary(r => r.InvoiceId, r => RenewSubscription.Lines(r.Sub, r.OldPlan, r.Plan, r.Code, r.Cycle, r.Start, r.End, r.NewEnd,
            usage.GetValueOrDefault(r.Sub.Id) ?? []));
        var subtotals = rows.Select(r => draftLines[r.InvoiceId].Where(l => l.Kind != "credit").Sum(l => Money.Round(l.Quantity * l.UnitPrice))).ToArray();
        var credits = rows.Select(r => -draftLines[r.InvoiceId].Where(l => l.Kind == "credit").Sum(l => Money.Round(l.Quantity * l.UnitPrice))).ToArray();
        var created = (await s.QueryAsync<Guid>("""
            INSERT INTO invoices (id, organization_id, customer_id, subscription_id, amount, subtotal, credits_applied, currency, status, billing_reason, period_start, period_end)
            SELECT k.id, @org, k.cust, k.sub, greatest(0, k.subtotal - k.credits), k.subtotal, k.credits, k.currency, 'draft', 'subscription_cycle', k.ps, k.pe
            FROM unnest(@ids, @customers, @subs, @subtotals, @credits, @currencies, @starts, @ends) AS k(id, cust, sub, subtotal, credits, currency, ps, pe)
            ON CONFLICT (organization_id, subscription_id, period_start) WHERE billing_reason = 'subscription_cycle' DO NOTHING
            RETURNING id
            """, new
            {
                org, ids = rows.Select(r => r.InvoiceId).ToArray(), customers = rows.Select(r => r.Sub.CustomerId).ToArray(),
                subs = rows.Select(r => r.Sub.Id).ToArray(), subtotals, credits, currencies = rows.Select(r => r.Plan?.Currency ?? "USD").ToArray(),
                starts = rows.Select(r => r.End).ToArray(), ends = rows.Select(r => r.NewEnd).ToArray(),
            }, ct)).ToHashSet();
        var invoiced = rows.Where(r => created.Contains(r.InvoiceId)).ToList();
        if (invoiced.Count > 0)
        {
            var lines = invoiced.SelectMany(r => draftLines[r.InvoiceId].Select(l => (r.InvoiceId, Line: l))).ToList();
            await s.ExecuteAsync("""
                INSERT INTO invoice_lines (id, organization_id, invoice_id, kind, description, quantity, unit_price, period_start, period_end, event_type)
                SELECT k.id, @org, k.inv, k.kind, k.description, k.quantity, k.unit_price, k.ps, k.pe, k.event_type
                FROM unnest(@ids, @invoices, @kinds, @descriptions, @quantities, @prices, @starts, @ends, @eventTypes)
                  AS k(id, inv, kind, description, quantity, unit_price, ps, pe, event_type)
                """, new
                {
                    org, ids = lines.Select(_ => Guid.CreateVersion7()).ToArray(), invoices = lines.Select(l => l.InvoiceId).ToArray(),
                    kinds = lines.Select(l => l.Line.Kind).ToArray(), descriptions = lines.Select(l => l.Line.Description).ToArray(),
                    quantities = lines.Select(l => l.Line.Quantity).ToArray(), prices = lines.Select(l => l.Line.UnitPrice).ToArray(),
                    starts = lines.Select(l => l.Line.PeriodStart!.Value).ToArray(), ends = lines.Select(l => l.Line.PeriodEnd!.Value).ToArray(),
                    eventTypes = lines.Select(l => l.Line.EventType).ToArray(),
                }, ct);
        }

        await s.ExecuteAsync("""
            UPDATE subscriptions s SET plan = k.code, billing_cycle = k.cycle, scheduled_plan = NULL, scheduled_billing_cycle = NULL,
              current_period_start = k.ps, current_period_end = k.pe,
              status = CASE WHEN s.status = 'trialing' THEN 'active' ELSE s.status END
            FROM unnest(@ids, @codes, @cycles, @starts, @ends) AS k(id, code, cycle, ps, pe)
            WHERE s.organization_id = @org AND s.id = k.id
            """, new
            {
                org, ids = rows.Select(r => r.Sub.Id).ToArray(), codes = rows.Select(r => r.Code).ToArray(), cycles = rows.Select(r => r.Cycle).ToArray(),
                starts = rows.Select(r => r.End).ToArray(), ends = rows.Select(r => r.NewEnd).ToArray(),
            }, ct);

        // Numbering last: the gapless counter's row stays locked from here to the commit, and every batch
        // running beside this one waits on it, so only the finalize and its events are inside that window.
        if (invoiced.Count > 0)
        {
            // Finalize: a block of consecutive numbers from the gapless counter (locked until commit, like
            // InvoiceNumbering), given in the batch's order; a zero total is paid at once.
            var last = await s.ScalarAsync<int>("""
                INSERT INTO invoice_number_sequences (id, organization_id, year, last_number) VALUES (@id, @org, @year, @n)
                ON CONFLICT (organization_id, year) DO UPDATE SET last_number = invoice_number_sequences.last_number + @n
                RETURNING last_number
                """, new { id = Guid.CreateVersion7(), org, year = now.Year, n = invoiced.Count }, ct);
            var first = last - invoiced.Count + 1;
            var finalized = await s.QueryAsync<(Guid Id, string Status, string Data)>("""
                UPDATE invoices i SET invoice_number = k.number, issued_at = @now,
                  due_at = coalesce(i.due_at, @now + make_interval(days => @net)),
                  status = CASE WHEN i.amount = 0 THEN 'paid' ELSE 'open' END,
                  paid_at = CASE WHEN i.amount = 0 THEN @now ELSE NULL END,
                  updated_by = @actor
                FROM unnest(@ids, @numbers) AS k(id, number)
                WHERE i.organization_id = @org AND i.id = k.id AND i.status = 'draft'
                RETURNING i.id, i.status, (to_jsonb(i) - 'organization_id')::text
                """, new
                {
                    org, now, net = FinalizeInvoice.DefaultNetDays, actor = s.Tenant.ActorId,
                    ids = invoiced.Select(r => r.InvoiceId).ToArray(),
                    numbers = invoiced.Select((_, i) => InvoiceNumbering.Format(now.Year, first + i)).ToArray(),
                }, ct);
            await DomainEvents.PublishAsync(s, finalized.SelectMany(f => Events(f.Id, f.Status, f.Data)).ToList(), ct);
        }
        return (renewed + rows.Count, canceled);
    }

    // invoice.finalized (and invoice.paid for a zero total), as FinalizeInvoice publishes them.
    private static IEnumerable<DomainEventInput> Events(Guid id, string status, string data)
    {
        var row = JsonNode.Parse(data)!.AsObject();
        yield return new DomainEventInput("invoice.finalized", "invoices", id, row, new JsonObject { ["status"] = "draft" });
        if (status == "paid")
            yield return new DomainEventInput("invoice.paid", "invoices", id, row.DeepClone().AsObject(), new JsonObject { ["status"] = "draft" });
    }

    private sealed record Row(Subscription Sub, DateTime Start, DateTime End, string Code, string Cycle, DateTime NewEnd, Plan? OldPlan, Plan? Plan, Guid InvoiceId);
}
