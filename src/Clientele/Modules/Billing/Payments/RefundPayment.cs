using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Billing.Payments;

/// <summary>
/// refund {amount?, mode}: a full (default) or partial refund of a succeeded payment. mode
/// "credit" gives the money back as a customer credit of type refund (the invoice stays settled);
/// mode "reopen" returns it and the invoice's balance is due again. A fully refunded payment is 'refunded'.
/// </summary>
public static class RefundPayment
{
    public sealed record Body(decimal? Amount, string? Mode, string? Reason);

    public sealed record Result(ActionOutcome Outcome, Guid? CreditId = null);

    public static async Task<Result> RunAsync(TenantSession s, Guid id, Body body, CancellationToken ct)
    {
        if (body.Mode is not ("credit" or "reopen")) return new(ActionOutcome.Invalid("mode", "is required: credit (a refund credit) or reopen (the invoice balance is due again)"));
        var p = await s.QueryFirstOrDefaultAsync<Payment>("SELECT * FROM payments WHERE organization_id = @org AND id = @id AND deleted_at IS NULL FOR UPDATE",
            new { org = s.OrganizationId, id }, ct);
        if (p is null) return new(ActionOutcome.Missing($"No payment with id {id}."));
        if (p.Status is not ("succeeded" or "refunded")) return new(ActionOutcome.NotIn(p.Status, "only a succeeded payment can be refunded"));
        var left = p.Amount - p.RefundedAmount;
        if (left <= 0) return new(ActionOutcome.NotIn(p.Status, "the payment is already fully refunded"));
        var amount = body.Amount ?? left;
        if (amount <= 0 || Money.Round(amount) != amount) return new(ActionOutcome.Invalid("amount", "must be a positive amount in cents"));
        if (amount > left) return new(ActionOutcome.Invalid("amount", $"must not exceed the refundable {left} {p.Currency}"));
        if (body.Mode == "reopen" && p.InvoiceId is null) return new(ActionOutcome.Invalid("mode", "reopen needs a payment against an invoice"));

        Guid? creditId = null;
        if (body.Mode == "credit")
        {
            creditId = Guid.CreateVersion7();
            await s.ExecuteAsync("""
                INSERT INTO credits (id, organization_id, customer_id, amount, currency, credit_type, reason, created_by)
                VALUES (@creditId, @org, @customer, @amount, @currency, 'refund', @reason, @actor)
                """, new { creditId, org = s.OrganizationId, customer = p.CustomerId, amount, currency = p.Currency,
                    reason = body.Reason ?? $"Refund of payment {p.TransactionId ?? p.Id.ToString()}", actor = s.Tenant.ActorId }, ct);
        }
        await s.ExecuteAsync("""
            UPDATE payments SET refunded_amount = refunded_amount + @amount,
              reopened_amount = reopened_amount + @reopened,
              status = CASE WHEN refunded_amount + @amount >= amount THEN 'refunded' ELSE status END,
              updated_by = @actor
            WHERE organization_id = @org AND id = @id
            """, new { org = s.OrganizationId, id, amount, reopened = body.Mode == "reopen" ? amount : 0m, actor = s.Tenant.ActorId }, ct);
        return new(ActionOutcome.Done, creditId);
    }
}
