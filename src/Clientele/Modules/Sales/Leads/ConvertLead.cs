using Clientele.Modules.Sales.Deals;
using Clientele.Platform.Database;
using Clientele.Platform.Http;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Sales.Leads;

/// <summary>
/// convert: the lead becomes a customer. In one transaction, with the lead locked: the live
/// customer with the lead's email (case-insensitive; a contact's email counts too) is linked, or a
/// customer and its primary contact are created; optionally a deal for it; the lead is marked
/// converted with converted_to_customer_id and converted_at. Converting again answers the same
/// customer and deal and changes nothing (idempotent), so a retried click never makes two customers.
/// </summary>
public static class ConvertLead
{
    public sealed record DealInput(string? Name, decimal? Value, string? Currency, string? Stage, DateTime? ExpectedCloseDate);

    public sealed record Body(DealInput? Deal, bool? CreateDeal);

    public sealed record Result(ActionOutcome Outcome, Guid? CustomerId = null, Guid? DealId = null, bool CustomerCreated = false, bool AlreadyConverted = false);

    public static async Task<Result> RunAsync(TenantSession s, Guid id, Body body, CancellationToken ct)
    {
        var lead = await LeadQualification.LockAsync(s, id, ct);
        if (lead is null) return new(ActionOutcome.Missing($"No lead with id {id}."));
        var status = lead["qualification_status"]!.GetValue<string>();
        if (status == "converted")
        {
            var dealId = Guid.TryParse(lead["extra_metadata"]?["converted_deal_id"]?.GetValue<string>(), out var d) ? d : (Guid?)null;
            if (!Guid.TryParse(lead["converted_to_customer_id"]?.GetValue<string>(), out var was))
                return new(ActionOutcome.NotIn(status, "the customer it converted to was deleted"));
            return new(ActionOutcome.Done, was, dealId, AlreadyConverted: true);
        }
        if (status == "disqualified") return new(ActionOutcome.NotIn(status, "reopen the lead before converting it"));
        var email = lead["email"]?.GetValue<string>()?.Trim();
        if (!Validation.IsEmail(email)) return new(ActionOutcome.Invalid("email", "the lead needs a valid email to become a customer"));
        var wantsDeal = body.Deal is not null || body.CreateDeal == true;
        var deal = body.Deal ?? new DealInput(null, null, null, null, null);
        if (wantsDeal)
        {
            if (deal.Value is < 0) return new(ActionOutcome.Invalid("deal.value", "must be 0 or more"));
            if (deal.Stage is { } st && (!DealStages.All.Contains(st) || DealStages.IsClosed(st)))
                return new(ActionOutcome.Invalid("deal.stage", "must be an open stage: " + string.Join(", ", DealStages.Open)));
            if (deal.Name is { Length: > 255 }) return new(ActionOutcome.Invalid("deal.name", "is longer than 255 characters"));
        }

        var name = lead["name"]?.GetValue<string>();
        var company = lead["company"]?.GetValue<string>();
        var customerId = await FindCustomerAsync(s, email!, ct);
        var created = customerId is null;
        if (customerId is null)
        {
            customerId = Guid.CreateVersion7();
            await s.ExecuteAsync("""
                INSERT INTO customers (id, organization_id, email, name, company_name, lead_source, stage, created_by, updated_by)
                VALUES ($1, $2, $3, $4, $5, $6, 'prospect', $7, $7)
                """, [customerId, s.OrganizationId, email, SqlArg.Text(name), SqlArg.Text(company), SqlArg.Text(Cut(lead["source"]?.GetValue<string>(), 50)),
                      SqlArg.Uuid(s.Tenant.ActorId)], ct);
            var contact = Guid.CreateVersion7();
            await s.ExecuteAsync("""
                INSERT INTO customer_contacts (id, organization_id, customer_id, email, name, title, phone, role, is_primary, created_by, updated_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, 'business', true, $8, $8)
                """, [contact, s.OrganizationId, customerId, email, SqlArg.Text(name), SqlArg.Text(Cut(lead["title"]?.GetValue<string>(), 100)),
                      SqlArg.Text(lead["phone"]?.GetValue<string>()), SqlArg.Uuid(s.Tenant.ActorId)], ct);
            await SalesRows.CreatedAsync(s, "customers", customerId.Value, ct);
            await SalesRows.CreatedAsync(s, "customer_contacts", contact, ct);
        }

        Guid? newDeal = null;
        if (wantsDeal)
        {
            var stage = deal.Stage ?? "qualification";
            newDeal = Guid.CreateVersion7();
            await s.ExecuteAsync("""
                INSERT INTO deals (id, organization_id, lead_id, customer_id, name, value, currency, stage, probability, expected_close_date, assigned_to, created_by, updated_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
                """, [newDeal, s.OrganizationId, id, customerId, deal.Name ?? $"{company ?? name ?? email} – new business", deal.Value ?? 0m,
                      deal.Currency ?? "USD", stage, DealStages.DefaultProbability(stage), SqlArg.Typed(deal.ExpectedCloseDate, NpgsqlTypes.NpgsqlDbType.TimestampTz),
                      SqlArg.Uuid(Guid.TryParse(lead["assigned_to"]?.GetValue<string>(), out var owner) ? owner : null), SqlArg.Uuid(s.Tenant.ActorId)], ct);
            await SalesRows.CreatedAsync(s, "deals", newDeal.Value, ct, "deal.created");
        }

        await s.ExecuteAsync("""
            UPDATE leads SET qualification_status = 'converted', converted_to_customer_id = $3, converted_at = now(),
              customer_id = coalesce(customer_id, $3), updated_by = $4,
              extra_metadata = CASE WHEN $5::uuid IS NULL THEN extra_metadata
                                    ELSE coalesce(extra_metadata, '{}'::jsonb) || jsonb_build_object('converted_deal_id', $5::uuid) END
            WHERE organization_id = $1 AND id = $2
            """, [s.OrganizationId, id, customerId, SqlArg.Uuid(s.Tenant.ActorId), SqlArg.Uuid(newDeal)], ct);
        await SalesRows.UpdatedAsync(s, "leads", id, lead, ct, "lead.converted");
        return new(ActionOutcome.Done, customerId, newDeal, created);
    }

    /// <summary>The live customer whose email, or one of whose contacts' email, is this one (case-insensitive; by index through clientele_ids_by_email).</summary>
    private static async Task<Guid?> FindCustomerAsync(TenantSession s, string email, CancellationToken ct)
    {
        var found = await s.QueryFirstAsync<Guid?>("""
            SELECT id FROM (
              SELECT c.id, 0 AS rank FROM customers c WHERE c.id IN (SELECT clientele_ids_by_email('customers', $2)) AND c.organization_id = $1 AND c.deleted_at IS NULL
              UNION ALL
              SELECT cc.customer_id, 1 FROM customer_contacts cc
              JOIN customers c ON c.organization_id = cc.organization_id AND c.id = cc.customer_id AND c.deleted_at IS NULL
              WHERE cc.id IN (SELECT clientele_ids_by_email('customer_contacts', $2)) AND cc.organization_id = $1 AND cc.deleted_at IS NULL
            ) m ORDER BY rank, id LIMIT 1
            """, [s.OrganizationId, email], r => r.GetGuid(0), ct);
        return found;
    }

    private static string? Cut(string? v, int max) => v is null || v.Length <= max ? v : v[..max];
}
