using System.Globalization;
using System.Text.Json;
using Clientele.Modules.Customers;
using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.Billing.Pages;

/// <summary>
/// What /app/billing shows, read under RLS. Every figure is a sum over rows the page can link to:
/// MRR/ARR now are the subscriptions' (active and past due, as customers.mrr), the open balance is
/// the open invoices' amount due (amount − amount_paid), the chart is MRR/ARR at each month's end (mrr_snapshots).
/// </summary>
public static class BillingOverview
{
    public sealed record Totals(decimal Mrr, decimal Arr, decimal OpenBalance, long OpenInvoices, long Overdue, long InDunning);
    public sealed record SubscriptionRow(Guid Id, Guid CustomerId, string Customer, string Plan, string Cycle, int Seats, int SeatsUsed, string Status,
        DateTime? PeriodEnd, decimal? Mrr, bool CancelAtPeriodEnd, string? ScheduledPlan);
    public sealed record InvoiceRow(Guid Id, string? Number, Guid CustomerId, string Customer, string Status, decimal Amount, decimal AmountDue, string Currency,
        DateTime? IssuedAt, DateTime? DueAt, bool Overdue, DateTime CreatedAt);
    public sealed record DunningRow(Guid InvoiceId, string? Number, Guid CustomerId, string Customer, decimal AmountDue, string Currency, DateTime DueAt,
        int RemindersSent, DateTime? LastReminderAt, string? SubscriptionStatus);
    public sealed record PaymentRow(Guid Id, Guid CustomerId, string Customer, Guid? InvoiceId, string? Number, decimal Amount, string Currency, string Status,
        string? Method, decimal Refunded, DateTime CreatedAt);
    public sealed record CreditRow(Guid Id, Guid CustomerId, string Customer, string Type, decimal Amount, decimal Used, string Currency, string Status,
        DateTime? ExpiresAt, string? Reason);
    public sealed record UsageRow(Guid CustomerId, string Customer, string EventType, string? Unit, long Quantity, long Included, decimal UnitPrice,
        DateTime PeriodStart, DateTime PeriodEnd)
    {
        public long Billable => Math.Max(0, Quantity - Included);
        public decimal Amount => Money.Round(Billable * UnitPrice);
    }
    /// <summary>A month's MRR/ARR; Source is live (this month), snapshot or backfill; AsOf the instant the figure describes.</summary>
    public sealed record MonthPoint(DateOnly Month, decimal Mrr, decimal Arr, string Source, DateTime AsOf);
    public sealed record CustomerOption(Guid Id, string Name);

    /// <summary>The invoice list's filters (query string: status, overdue, customer, after).</summary>
    public sealed record InvoiceFilter(string? Status, bool Overdue, Guid? CustomerId, KeysetCursor? After)
    {
        public static readonly string[] Statuses = ["draft", "open", "paid", "uncollectible", "void"];
        public bool Any => Status is not null || Overdue || CustomerId is not null;
    }

    public const string CustomerName = "coalesce(c.company_name, c.name, c.email, '—')";

    public static Task<Totals?> TotalsAsync(TenantSession s, CancellationToken ct) => s.ReadFirstAsync("""
        SELECT coalesce((SELECT sum(mrr) FROM subscriptions WHERE organization_id = $1 AND status IN ('active', 'past_due') AND deleted_at IS NULL), 0),
               coalesce((SELECT sum(arr) FROM subscriptions WHERE organization_id = $1 AND status IN ('active', 'past_due') AND deleted_at IS NULL), 0),
               coalesce((SELECT sum(amount - amount_paid) FROM invoices WHERE organization_id = $1 AND status = 'open'), 0),
               (SELECT count(*) FROM invoices WHERE organization_id = $1 AND status = 'open'),
               (SELECT count(*) FROM invoices WHERE organization_id = $1 AND status = 'open' AND due_at < now()),
               (SELECT count(*) FROM subscriptions WHERE organization_id = $1 AND status = 'past_due')
        """, [s.OrganizationId], r => new Totals(r.GetDecimal(0), r.GetDecimal(1), r.GetDecimal(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5)), ct);

    /// <summary>
    /// MRR and ARR at the end of each of the last 12 months: this month is the live figure (the same
    /// sums as the MRR tile); an earlier month is its mrr_snapshots row (the last snapshot the hourly
    /// job took in it, or its backfill), else the backfill computed now from the subscription rows.
    /// </summary>
    public static Task<List<MonthPoint>> MrrHistoryAsync(TenantSession s, DateTime now, CancellationToken ct) => s.ReadListAsync($"""
        WITH months AS (
            SELECT m::date AS month, m + interval '1 month' AS month_end
            FROM generate_series(date_trunc('month', $2::timestamptz) - make_interval(months => {Reporting.MrrSnapshots.Months - 1}), date_trunc('month', $2::timestamptz), interval '1 month') AS m)
        SELECT months.month,
               CASE WHEN months.month_end > $2 THEN live.mrr ELSE coalesce(sn.mrr, bf.mrr) END,
               CASE WHEN months.month_end > $2 THEN live.arr ELSE coalesce(sn.arr, bf.arr) END,
               CASE WHEN months.month_end > $2 THEN 'live' ELSE coalesce(sn.source, 'backfill') END,
               CASE WHEN months.month_end > $2 THEN $2 ELSE coalesce(sn.as_of, months.month_end) END
        FROM months
        CROSS JOIN (SELECT coalesce(sum(mrr), 0) AS mrr, coalesce(sum(arr), 0) AS arr FROM subscriptions
                    WHERE organization_id = $1 AND status IN ('active', 'past_due') AND deleted_at IS NULL) live
        LEFT JOIN mrr_snapshots sn ON sn.organization_id = $1 AND sn.month = months.month
        LEFT JOIN LATERAL (SELECT * FROM billing_mrr_backfill($1, months.month_end) WHERE sn.id IS NULL AND months.month_end <= $2) bf ON true
        ORDER BY months.month
        """, [s.OrganizationId, now], r => new MonthPoint(r.GetFieldValue<DateOnly>(0), r.IsDBNull(1) ? 0 : r.GetDecimal(1), r.IsDBNull(2) ? 0 : r.GetDecimal(2),
            r.GetString(3), Utc(r, 4)!.Value), ct);

    public static Task<List<SubscriptionRow>> SubscriptionsAsync(TenantSession s, CancellationToken ct) => s.ReadListAsync($"""
        SELECT sub.id, sub.customer_id, {CustomerName}, sub.plan, sub.billing_cycle, sub.seats_total, sub.seats_used, sub.status,
               sub.current_period_end, sub.mrr, sub.cancel_at_period_end, sub.scheduled_plan
        FROM subscriptions sub JOIN customers c ON c.organization_id = sub.organization_id AND c.id = sub.customer_id
        WHERE sub.organization_id = $1
        ORDER BY CASE sub.status WHEN 'past_due' THEN 0 WHEN 'unpaid' THEN 1 WHEN 'trialing' THEN 2 WHEN 'active' THEN 3 ELSE 4 END, {CustomerName}, sub.id
        LIMIT 100
        """, [s.OrganizationId], r => new SubscriptionRow(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5), r.GetInt32(6),
            r.GetString(7), Utc(r, 8), r.IsDBNull(9) ? null : r.GetDecimal(9), r.GetBoolean(10), r.IsDBNull(11) ? null : r.GetString(11)), ct);

    public const int InvoicePage = 25;

    /// <summary>Invoices newest first, keyset-paged on (created_at, id).</summary>
    public static Task<List<InvoiceRow>> InvoicesAsync(TenantSession s, InvoiceFilter f, CancellationToken ct)
    {
        DateTime? afterAt = f.After is { } a && long.TryParse(a.Value, CultureInfo.InvariantCulture, out var ticks) ? new DateTime(ticks, DateTimeKind.Utc) : null;
        return s.ReadListAsync($"""
            SELECT i.id, i.invoice_number, i.customer_id, {CustomerName}, i.status, i.amount, CASE WHEN i.status IN ('open', 'uncollectible') THEN i.amount - i.amount_paid ELSE 0 END, i.currency, i.issued_at, i.due_at,
                   (i.status = 'open' AND i.due_at < now()), i.created_at
            FROM invoices i JOIN customers c ON c.organization_id = i.organization_id AND c.id = i.customer_id
            WHERE i.organization_id = $1 AND ($2::text IS NULL OR i.status = $2) AND (NOT $3 OR (i.status = 'open' AND i.due_at < now()))
              AND ($4::uuid IS NULL OR i.customer_id = $4) AND ($5::timestamp IS NULL OR (i.created_at, i.id) < ($5, $6))
            ORDER BY i.created_at DESC, i.id DESC
            LIMIT {InvoicePage + 1}
            """, [s.OrganizationId, SqlArg.Text(f.Status), f.Overdue, SqlArg.Uuid(f.CustomerId),
                SqlArg.Typed(afterAt, NpgsqlTypes.NpgsqlDbType.Timestamp), SqlArg.Uuid(f.After?.Id)],
            r => new InvoiceRow(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetGuid(2), r.GetString(3), r.GetString(4), r.GetDecimal(5), r.GetDecimal(6),
                r.GetString(7), Utc(r, 8), Utc(r, 9), r.GetBoolean(10), Utc(r, 11)!.Value), ct);
    }

    public static Task<List<CustomerOption>> InvoicedCustomersAsync(TenantSession s, CancellationToken ct) => s.ReadListAsync($"""
        SELECT c.id, {CustomerName} FROM customers c
        WHERE c.organization_id = $1 AND c.deleted_at IS NULL AND EXISTS (SELECT 1 FROM invoices i WHERE i.organization_id = c.organization_id AND i.customer_id = c.id)
        ORDER BY 2, 1 LIMIT 500
        """, [s.OrganizationId], r => new CustomerOption(r.GetGuid(0), r.GetString(1)), ct);

    public static Task<List<CustomerOption>> CustomersAsync(TenantSession s, CancellationToken ct) => s.ReadListAsync($"""
        SELECT c.id, {CustomerName} FROM customers c WHERE c.organization_id = $1 AND c.deleted_at IS NULL ORDER BY 2, 1 LIMIT 500
        """, [s.OrganizationId], r => new CustomerOption(r.GetGuid(0), r.GetString(1)), ct);

    public static Task<List<DunningRow>> DunningAsync(TenantSession s, CancellationToken ct) => s.ReadListAsync($"""
        SELECT i.id, i.invoice_number, i.customer_id, {CustomerName}, i.amount - i.amount_paid, i.currency, i.due_at, i.reminders_sent, i.last_reminder_at, sub.status
        FROM invoices i JOIN customers c ON c.organization_id = i.organization_id AND c.id = i.customer_id
        LEFT JOIN subscriptions sub ON sub.organization_id = i.organization_id AND sub.id = i.subscription_id
        WHERE i.organization_id = $1 AND i.status = 'open' AND i.due_at < now()
        ORDER BY i.due_at, i.id LIMIT 50
        """, [s.OrganizationId], r => new DunningRow(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetGuid(2), r.GetString(3), r.GetDecimal(4), r.GetString(5),
            Utc(r, 6)!.Value, r.GetInt32(7), Utc(r, 8), r.IsDBNull(9) ? null : r.GetString(9)), ct);

    public static Task<List<PaymentRow>> PaymentsAsync(TenantSession s, Guid? invoiceId, CancellationToken ct) => s.ReadListAsync($"""
        SELECT p.id, p.customer_id, {CustomerName}, p.invoice_id, i.invoice_number, p.amount, p.currency, p.status, p.payment_method, p.refunded_amount, p.created_at
        FROM payments p JOIN customers c ON c.organization_id = p.organization_id AND c.id = p.customer_id
        LEFT JOIN invoices i ON i.organization_id = p.organization_id AND i.id = p.invoice_id
        WHERE p.organization_id = $1 AND ($2::uuid IS NULL OR p.invoice_id = $2)
        ORDER BY p.created_at DESC, p.id DESC LIMIT 20
        """, [s.OrganizationId, SqlArg.Uuid(invoiceId)], r => new PaymentRow(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetGuid(3),
            r.IsDBNull(4) ? null : r.GetString(4), r.GetDecimal(5), r.GetString(6), r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8), r.GetDecimal(9), Utc(r, 10)!.Value), ct);

    public static Task<List<CreditRow>> CreditsAsync(TenantSession s, CancellationToken ct) => s.ReadListAsync($"""
        SELECT cr.id, cr.customer_id, {CustomerName}, cr.credit_type, cr.amount, cr.used_amount, cr.currency, cr.status, cr.expires_at, cr.reason
        FROM credits cr JOIN customers c ON c.organization_id = cr.organization_id AND c.id = cr.customer_id
        WHERE cr.organization_id = $1
        ORDER BY (cr.status = 'active') DESC, cr.expires_at NULLS LAST, cr.id LIMIT 50
        """, [s.OrganizationId], r => new CreditRow(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetDecimal(4), r.GetDecimal(5), r.GetString(6),
            r.GetString(7), Utc(r, 8), r.IsDBNull(9) ? null : r.GetString(9)), ct);

    /// <summary>
    /// Metered usage in each live subscription's current period (by event timestamp), with what the
    /// plan includes and the price beyond it: the same figures as GET /customers/{id}/usage.
    /// </summary>
    public static async Task<List<UsageRow>> UsageAsync(TenantSession s, CancellationToken ct)
    {
        var rows = await s.ReadListAsync($"""
            SELECT sub.customer_id, {CustomerName}, u.event_type, max(u.unit), sum(u.quantity)::bigint, p.usage_pricing::text, sub.current_period_start, sub.current_period_end
            FROM subscriptions sub
            JOIN customers c ON c.organization_id = sub.organization_id AND c.id = sub.customer_id
            JOIN usage_events u ON u.organization_id = sub.organization_id AND u.customer_id = sub.customer_id AND u.deleted_at IS NULL
                 AND u."timestamp" >= sub.current_period_start AND u."timestamp" < sub.current_period_end
            LEFT JOIN plans p ON p.organization_id = sub.organization_id AND p.code = sub.plan AND p.billing_cycle = sub.billing_cycle
            WHERE sub.organization_id = $1 AND sub.status IN ('trialing', 'active', 'past_due')
            GROUP BY sub.id, sub.customer_id, 2, u.event_type, p.usage_pricing::text, sub.current_period_start, sub.current_period_end
            ORDER BY 2, u.event_type LIMIT 200
            """, [s.OrganizationId], r => (Row: new UsageRow(r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt64(4), 0, 0,
                Utc(r, 6)!.Value, Utc(r, 7)!.Value), Pricing: r.IsDBNull(5) ? null : r.GetString(5)), ct);
        return rows.Select(x =>
        {
            var price = Usage.UsagePrice.Parse(x.Pricing).FirstOrDefault(p => p.EventType == x.Row.EventType);
            return price is null ? x.Row : x.Row with { Included = price.Included, UnitPrice = price.UnitPrice };
        }).ToList();
    }

    /// <summary>A Chart.js chart of the monthly series: MRR as bars, ARR as a line on its own axis (the page shows the same numbers in a table).</summary>
    public static string Chart(IReadOnlyList<MonthPoint> points) => JsonSerializer.Serialize(new
    {
        type = "bar",
        data = new
        {
            labels = points.Select(p => p.Month.ToString("MMM yyyy", CultureInfo.InvariantCulture)),
            datasets = new object[]
            {
                new { label = "MRR", data = points.Select(p => p.Mrr), yAxisID = "y" },
                new { label = "ARR", data = points.Select(p => p.Arr), type = "line", yAxisID = "arr" },
            },
        },
        options = new
        {
            maintainAspectRatio = false,
            scales = new { y = new { beginAtZero = true, position = "left" }, arr = new { beginAtZero = true, position = "right", grid = new { drawOnChartArea = false } } },
        },
    });

    private static DateTime? Utc(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc);
}
