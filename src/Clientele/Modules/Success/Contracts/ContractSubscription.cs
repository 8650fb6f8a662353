using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Modules.Approvals;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Events;
using Clientele.Platform.Resources;

namespace Clientele.Modules.Success.Contracts;

/// <summary>
/// POST /contracts/{id}/create_subscription (issue 11 item 7): the contract becomes a subscription
/// only through the one approval queue. The request reads the terms (customer, plan, cycle, seats,
/// ARR, period) from the parsed contract and its entitlements and queues them as a pending
/// create_subscription approval; approving runs <see cref="ContractSubscriptionApproval"/>, which
/// creates exactly those terms through the billing module's subscription create (the resource store,
/// like POST /api/v1/subscriptions: catalogue triggers, audit, events). One subscription per contract:
/// a second request answers the approval already queued or executed; a second execution finds the
/// subscription it made (subscriptions.extra_metadata.contract_id).
/// </summary>
public static partial class ContractSubscription
{
    public const string ActionType = "create_subscription";
    public const string AgentId = "success";
    private static readonly string[] Codes = ["free", "basic", "premium", "enterprise"];
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    [GeneratedRegex(@"\b(free|basic|premium|enterprise)\s+(?:plan|tier|edition|subscription)\b|\bplan\s*:\s*(free|basic|premium|enterprise)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PlanNamed();
    [GeneratedRegex(@"^(\d+)\s+(month|year)", RegexOptions.IgnoreCase)]
    private static partial Regex TermMonths();

    /// <summary>What the subscription will be, as the approval shows it.</summary>
    public sealed record Terms(Guid CustomerId, string Plan, string PlanFrom, string BillingCycle, int Seats, string SeatsFrom, decimal Arr,
        DateOnly PeriodStart, DateOnly PeriodEnd, string? ContractTerm, DateOnly? ContractEnd)
    {
        public JsonObject ToJson() => new()
        {
            ["customer_id"] = CustomerId.ToString(), ["plan"] = Plan, ["plan_from"] = PlanFrom, ["billing_cycle"] = BillingCycle,
            ["seats_total"] = Seats, ["seats_from"] = SeatsFrom, ["arr"] = Arr, ["mrr"] = Math.Round(Arr / 12, 2, MidpointRounding.ToEven),
            ["current_period_start"] = PeriodStart.ToString("yyyy-MM-dd", Inv), ["current_period_end"] = PeriodEnd.ToString("yyyy-MM-dd", Inv),
            ["contract_term"] = ContractTerm, ["contract_end_date"] = ContractEnd?.ToString("yyyy-MM-dd", Inv),
        };
    }

    /// <summary>The request's state for a contract: the live approval (pending, approved, executed) and the subscription it made.</summary>
    public sealed record State(Guid ApprovalId, string Status, Guid? SubscriptionId, string? Error, DateTime CreatedAt)
    {
        public JsonObject ToJson(Guid contract) => new()
        {
            ["approval_id"] = ApprovalId.ToString(), ["status"] = Status, ["contract_id"] = contract.ToString(),
            ["subscription_id"] = SubscriptionId?.ToString(), ["error"] = Error,
        };
    }

    /// <summary>The latest create_subscription approval of the contract, if any.</summary>
    public static Task<State?> StateAsync(TenantSession s, Guid contract, CancellationToken ct) =>
        s.QueryFirstAsync("""
            SELECT id, status, metadata->'execution'->'result'->>'subscription_id', metadata->'execution'->>'error', created_at
            FROM approvals WHERE organization_id = $1 AND action = $2 AND metadata->>'contract_id' = $3::text
            ORDER BY (status IN ('pending', 'approved', 'executed')) DESC, created_at DESC, id DESC LIMIT 1
            """, [s.OrganizationId, ActionType, contract], r => new State(r.GetGuid(0), r.GetString(1),
                !r.IsDBNull(2) && Guid.TryParse(r.GetString(2), out var g) ? g : null, r.IsDBNull(3) ? null : r.GetString(3),
                DateTime.SpecifyKind(r.GetDateTime(4), DateTimeKind.Utc)), ct);

    /// <summary>
    /// Queues the approval (created = true), or answers the one already pending or executed for the
    /// contract. 404 for no such contract; 409 naming each missing term (customer_id, plan, arr).
    /// </summary>
    public static async Task<(State State, bool Created)> RequestAsync(TenantSession s, Guid contract, DateTime now, CancellationToken ct)
    {
        await s.BeginAsync(ct);
        // The contract's lock serializes two requests: one approval per contract.
        var found = await s.QueryFirstAsync("SELECT id FROM contracts WHERE organization_id = $1 AND id = $2 FOR UPDATE", [s.OrganizationId, contract], r => r.GetGuid(0), ct);
        if (found == Guid.Empty) throw ProblemException.NotFound($"No contract with id {contract}.");
        if (await StateAsync(s, contract, ct) is { Status: "pending" or "approved" or "executed" } live) return (live, false);
        var terms = await ReadTermsAsync(s, contract, now, ct);
        var name = await s.ScalarAsync<string>("SELECT coalesce(company_name, name, email) FROM customers WHERE organization_id = $1 AND id = $2",
            [s.OrganizationId, terms.CustomerId], ct);
        var id = Guid.CreateVersion7();
        var details = $"Create a {terms.Plan} ({terms.BillingCycle}) subscription for {name}: {terms.Seats} seat{(terms.Seats == 1 ? "" : "s")}, " +
                      $"ARR {terms.Arr.ToString("0.00", Inv)}, from {terms.PeriodStart:yyyy-MM-dd} (contract)";
        var metadata = new JsonObject
        {
            ["customer_id"] = terms.CustomerId.ToString(), ["contract_id"] = contract.ToString(), ["proposal"] = new JsonObject { ["type"] = ActionType },
            ["subscription"] = terms.ToJson(), ["source"] = "contract", ["requested_by"] = s.Tenant.UserId?.ToString(),
            ["expires_at"] = now.AddDays(30).ToString("O", Inv),
        };
        await s.ExecuteAsync("INSERT INTO approvals (id, organization_id, agent_id, action, details, status, metadata) VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
            [id, s.OrganizationId, AgentId, ActionType, details, metadata], ct);
        await DomainEvents.PublishRowAsync(s, "approvals", id, ct, null, "approval.requested");
        await AuditWriter.WriteAsync(s, "approvals", id, "create", new JsonObject { ["after"] = new JsonObject { ["action"] = ActionType, ["details"] = details, ["status"] = "pending" } }, ct);
        return (new State(id, "pending", null, null, now), true);
    }

    /// <summary>
    /// The subscription the contract describes. Plan: named in the contract ("Enterprise plan", "Plan:
    /// premium"), else the catalogue plan of the cycle whose price for the seats is nearest the ARR.
    /// Seats: the seat entitlements' quantities (1 without any). Cycle: monthly for a term under 12
    /// months, else annual. Period: from the contract's start (today without one), one cycle long.
    /// </summary>
    public static async Task<Terms> ReadTermsAsync(TenantSession s, Guid contract, DateTime now, CancellationToken ct)
    {
        var k = await s.QueryFirstAsync("SELECT customer_id, arr, contract_term, start_date, end_date, coalesce(raw_text, '') FROM contracts WHERE organization_id = $1 AND id = $2",
            [s.OrganizationId, contract], r => (Customer: r.IsDBNull(0) ? (Guid?)null : r.GetGuid(0), Arr: r.IsDBNull(1) ? (decimal?)null : r.GetDecimal(1),
                Term: r.IsDBNull(2) ? null : r.GetString(2), Start: r.IsDBNull(3) ? (DateOnly?)null : r.GetFieldValue<DateOnly>(3),
                End: r.IsDBNull(4) ? (DateOnly?)null : r.GetFieldValue<DateOnly>(4), Text: r.GetString(5)), ct);
        var seats = await s.ScalarAsync<long?>("""
            SELECT sum(quantity)::bigint FROM entitlements WHERE organization_id = $1 AND contract_id = $2 AND category = 'seats' AND quantity > 0
            """, [s.OrganizationId, contract], ct);
        var months = k.Term is { } t && TermMonths().Match(t) is { Success: true } m
            ? int.Parse(m.Groups[1].Value, Inv) * (m.Groups[2].Value.StartsWith("year", StringComparison.OrdinalIgnoreCase) ? 12 : 1) : (int?)null;
        var cycle = months is < 12 ? "monthly" : "annual";
        var seatCount = (int)Math.Clamp(seats ?? 1, 1, 1_000_000);
        string? plan = null, planFrom = null;
        if (PlanNamed().Match(k.Text) is { Success: true } named)
            (plan, planFrom) = ((named.Groups[1].Success ? named.Groups[1].Value : named.Groups[2].Value).ToLowerInvariant(), "contract");
        else if (k.Arr is { } arr0)
        {
            var periodPrice = cycle == "annual" ? arr0 : arr0 / 12;
            plan = await s.ScalarAsync<string>("""
                SELECT code FROM plans WHERE organization_id = $1 AND billing_cycle = $2 AND deleted_at IS NULL
                ORDER BY abs(base_price + price_per_seat * $3 - $4), code LIMIT 1
                """, [s.OrganizationId, cycle, seatCount, periodPrice], ct);
            planFrom = plan is null ? null : "catalogue";
        }
        var missing = new Dictionary<string, string[]>();
        if (k.Customer is null) missing["customer_id"] = ["is empty: set the contract's customer first"];
        if (plan is null || !Codes.Contains(plan)) missing["plan"] = ["was not found: the contract names no plan (\"Enterprise plan\") and the catalogue has none to match its ARR"];
        if (k.Arr is null) missing["arr"] = ["was not found: the contract states no annual value"];
        if (missing.Count > 0)
            throw ProblemException.Conflict($"The contract does not say enough to make a subscription: {string.Join(", ", missing.Keys)} missing.", missing);
        var start = k.Start ?? DateOnly.FromDateTime(now);
        var end = cycle == "annual" ? start.AddYears(1) : start.AddMonths(1);
        return new Terms(k.Customer!.Value, plan!, planFrom!, cycle, seatCount, seats is null ? "default" : "entitlements", k.Arr!.Value, start, end, k.Term, k.End);
    }
}

/// <summary>
/// Runs an approved create_subscription: the terms the approval showed, created through the
/// billing module's subscription create (the resource store; the catalogue's triggers derive MRR/ARR
/// when the organization prices the plan, else the contract's ARR stays). Idempotent per contract.
/// </summary>
public sealed class ContractSubscriptionApproval(ResourceRegistry registry, ResourceStore store) : IApprovalAction
{
    public string Type => ContractSubscription.ActionType;

    public async Task<JsonObject> ExecuteAsync(TenantSession s, Guid approvalId, Guid customerId, Guid approverId, CancellationToken ct)
    {
        var json = await s.ScalarAsync<string>("SELECT jsonb_build_object('contract_id', metadata->>'contract_id', 'terms', metadata->'subscription')::text FROM approvals WHERE organization_id = $1 AND id = $2",
            [s.OrganizationId, approvalId], ct);
        if (JsonNode.Parse(json ?? "null") is not JsonObject o || !Guid.TryParse(o["contract_id"]?.ToString(), out var contract) || o["terms"] is not JsonObject terms)
            throw ProblemException.Conflict("The approval holds no contract subscription.");
        await s.ExecuteAsync("SELECT 1 FROM contracts WHERE organization_id = $1 AND id = $2 FOR UPDATE", [s.OrganizationId, contract], ct);
        var existing = await s.QueryFirstAsync("""
            SELECT id FROM subscriptions WHERE organization_id = $1 AND extra_metadata->>'contract_id' = $2::text AND deleted_at IS NULL ORDER BY created_at LIMIT 1
            """, [s.OrganizationId, contract], r => r.GetGuid(0), ct);
        if (existing != Guid.Empty)
            return new JsonObject { ["subscription_id"] = existing.ToString(), ["contract_id"] = contract.ToString(), ["already_existed"] = true };
        var body = new JsonObject
        {
            ["customer_id"] = customerId.ToString(), ["plan"] = terms["plan"]?.DeepClone(), ["billing_cycle"] = terms["billing_cycle"]?.DeepClone(),
            ["seats_total"] = terms["seats_total"]?.DeepClone(), ["seats_used"] = 0, ["status"] = "active",
            ["arr"] = terms["arr"]?.DeepClone(), ["mrr"] = terms["mrr"]?.DeepClone(),
            ["current_period_start"] = terms["current_period_start"]?.ToString() + "T00:00:00Z", ["current_period_end"] = terms["current_period_end"]?.ToString() + "T00:00:00Z",
            ["extra_metadata"] = new JsonObject
            {
                ["contract_id"] = contract.ToString(), ["approval_id"] = approvalId.ToString(), ["source"] = "contract",
                ["contract_term"] = terms["contract_term"]?.DeepClone(), ["contract_end_date"] = terms["contract_end_date"]?.DeepClone(),
            },
        };
        using var doc = JsonDocument.Parse(body.ToJsonString());
        var created = await store.CreateAsync(s, registry.Find("subscriptions")!, doc.RootElement, ct, commit: false);
        var row = JsonNode.Parse(created.Json)!;
        return new JsonObject
        {
            ["subscription_id"] = created.Id.ToString(), ["contract_id"] = contract.ToString(), ["plan"] = row["plan"]?.DeepClone(),
            ["billing_cycle"] = row["billing_cycle"]?.DeepClone(), ["seats_total"] = row["seats_total"]?.DeepClone(), ["arr"] = row["arr"]?.DeepClone(),
            ["contract_arr"] = terms["arr"]?.DeepClone(),
        };
    }
}
