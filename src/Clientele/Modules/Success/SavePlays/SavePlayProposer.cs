using System.Globalization;
using System.Text.Json.Nodes;
using Clientele.Modules.Success.Health;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Events;

namespace Clientele.Modules.Success.SavePlays;

/// <summary>
/// When a customer's risk becomes high (health below the model's high_risk_score, or churn risk
/// 0.70 or more), proposes a save play in the approval queue: the best matching csm_playbook
/// (full-text rank over title and content against the customer's open risk signals, plus a bonus
/// for the category the signals point to), the evidence, an action plan from the playbook, and a
/// goodwill credit step when support went wrong. Nothing runs until a person approves
/// (<see cref="SavePlayApproval"/>). At most one pending proposal and one save play in flight per customer.
/// </summary>
public static class SavePlayProposer
{
    public const string ActionType = "save_play";
    public const string AgentId = "success";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Below this confidence (a third of the model's weight with data) a low score is too thin to act on: signals still open, no save play.</summary>
    public const decimal MinConfidence = 0.35m;

    public static bool IsHigh(int? score, decimal? churn, HealthThresholds t) => score < t.HighRiskScore || churn >= 0.70m;

    /// <summary>Words a signal type adds to the playbook search, and the category it points to.</summary>
    private static readonly Dictionary<string, (string Words, string Category)> Cues = new()
    {
        ["usage_decline"] = ("usage | adoption | active | users", "adoption"),
        ["no_login"] = ("usage | adoption | login | retrain", "adoption"),
        ["negative_sentiment"] = ("support | sentiment | escalation | executive", "churn_risk"),
        ["escalation"] = ("support | escalation | executive", "churn_risk"),
        ["overdue_invoice"] = ("billing | invoice | payment", "billing"),
        ["payment_failure"] = ("billing | payment | card", "billing"),
        ["champion_risk"] = ("champion | executive | stakeholder | engagement", "churn_risk"),
        ["renewal_risk"] = ("renewal | value | proposal", "renewal"),
        ["competitor_mention"] = ("competitor | differentiation | value", "churn_risk"),
    };

    public static async Task<Guid?> ProposeAsync(TenantSession s, HealthEvidence e, HealthResult result, IReadOnlyList<DetectedSignal> signals, DateTime now, CancellationToken ct)
    {
        var busy = await s.ScalarAsync<bool>("""
            SELECT EXISTS (SELECT 1 FROM save_plays WHERE organization_id = $1 AND customer_id = $2 AND status IN ('open', 'in_progress'))
                OR EXISTS (SELECT 1 FROM approvals WHERE organization_id = $1 AND action = $3 AND status = 'pending' AND metadata->>'customer_id' = $2::text)
            """, [s.OrganizationId, e.CustomerId, ActionType], ct);
        if (busy) return null;
        var ordered = signals.OrderBy(x => x.Severity switch { "critical" => 0, "high" => 1, "medium" => 2, _ => 3 }).ToList();
        var playbook = await BestPlaybookAsync(s, ordered, ct);
        var arr = e.Arr ?? e.SubscriptionArr ?? (e.Mrr is { } m ? m * 12 : 0m);
        var primary = ordered.FirstOrDefault();
        var plan = new JsonArray();
        foreach (var step in Steps(playbook?.Content)) plan.Add(new JsonObject { ["step"] = step, ["done"] = false });
        if (plan.Count == 0) plan.Add(new JsonObject { ["step"] = "Call the customer's primary contact and agree on a recovery plan", ["done"] = false });
        JsonObject? credit = null;
        if (ordered.Any(x => x.Type is "negative_sentiment" or "escalation") && e.Mrr is > 0)
        {
            var amount = Math.Round(e.Mrr.Value * 0.10m, 2, MidpointRounding.ToEven);
            credit = new JsonObject { ["amount"] = amount, ["currency"] = "USD", ["credit_type"] = "goodwill", ["reason"] = $"Goodwill credit (10% of MRR) in the save play for {e.Name}" };
            plan.Add(new JsonObject { ["step"] = $"Goodwill credit of {amount.ToString("0.00", Inv)} USD (its own approval)", ["done"] = false, ["kind"] = "credit" });
        }
        var riskLevel = result.Score < 25 || result.ChurnRisk >= 0.85m ? "critical" : "high";
        var savePlay = new JsonObject
        {
            ["playbook_id"] = playbook?.Id, ["playbook_title"] = playbook?.Title, ["risk_level"] = riskLevel,
            ["primary_issue"] = primary?.Description ?? $"Health {result.Score}: {HealthEvents.Drivers(result)}",
            ["root_cause"] = ordered.Count > 0 ? string.Join("; ", ordered.Select(x => x.Type.Replace('_', ' '))) : HealthEvents.Drivers(result),
            ["action_plan"] = plan, ["success_criteria"] = $"Health back above {Math.Max(50, (result.Score ?? 0) + 20)} and no high risk signal open",
            ["deadline"] = DateOnly.FromDateTime(now).AddDays(30).ToString("yyyy-MM-dd", Inv), ["owner_id"] = e.CsmId, ["arr_at_risk"] = arr,
            ["credit"] = credit,
        };
        var evidence = new JsonObject
        {
            ["health_score"] = result.Score, ["churn_risk"] = result.ChurnRisk, ["summary"] = HealthEvents.Drivers(result),
            ["signals"] = new JsonArray(ordered.Select(x => (JsonNode)new JsonObject { ["type"] = x.Type, ["severity"] = x.Severity, ["description"] = x.Description }).ToArray()),
        };
        var id = Guid.CreateVersion7();
        var details = $"Save play for {e.Name}: {playbook?.Title ?? "recovery plan"} (health {result.Score}, churn risk {result.ChurnRisk?.ToString("0.00", Inv)}, ARR at risk {arr.ToString("0.00", Inv)})";
        var metadata = new JsonObject
        {
            ["customer_id"] = e.CustomerId.ToString(), ["proposal"] = new JsonObject { ["type"] = ActionType }, ["save_play"] = savePlay, ["evidence"] = evidence,
            ["expires_at"] = now.AddDays(14).ToString("O", Inv), ["source"] = "health",
        };
        await s.ExecuteAsync("INSERT INTO approvals (id, organization_id, agent_id, action, details, status, metadata) VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
            [id, s.OrganizationId, AgentId, ActionType, details, metadata], ct);
        await DomainEvents.PublishRowAsync(s, "approvals", id, ct, null, "approval.requested");
        await AuditWriter.WriteAsync(s, "approvals", id, "create", new JsonObject { ["after"] = new JsonObject { ["action"] = ActionType, ["details"] = details, ["status"] = "pending" } }, ct);
        return id;
    }

    public sealed record Playbook(Guid Id, string Title, string? Category, string Content, double Rank);

    private static async Task<Playbook?> BestPlaybookAsync(TenantSession s, IReadOnlyList<DetectedSignal> signals, CancellationToken ct) =>
        (await MatchAsync(s, signals.Select(x => x.Type).ToList(), 1, ct)).FirstOrDefault();

    /// <summary>
    /// The playbooks that fit these risk signal types, best first: full-text rank over title and content
    /// for the words each signal type adds, plus 0.1 when the playbook's category is the one the signal points to.
    /// </summary>
    public static async Task<List<Playbook>> MatchAsync(TenantSession s, IReadOnlyList<string> signalTypes, int limit, CancellationToken ct)
    {
        var words = string.Join(" | ", signalTypes.Select(x => Cues.GetValueOrDefault(x).Words).Where(w => w is not null).DefaultIfEmpty("churn | risk | recovery"));
        var categories = signalTypes.Select(x => Cues.GetValueOrDefault(x).Category).Where(c => c is not null).Distinct().ToArray();
        return await s.QueryAsync("""
            SELECT id, title, category, content, rank FROM (
              SELECT id, title, category, content, created_at,
                     (ts_rank(to_tsvector('english', coalesce(title, '') || ' ' || coalesce(content, '')), to_tsquery('english', $2))
                      + CASE WHEN category = ANY($3) THEN 0.1 ELSE 0 END)::float8 AS rank
              FROM csm_playbooks WHERE organization_id = $1) p
            ORDER BY rank DESC, created_at
            LIMIT $4
            """, [s.OrganizationId, words, categories, limit], r => new Playbook(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetDouble(4)), ct);
    }

    /// <summary>The category a risk signal type points to (adoption, billing, churn_risk, renewal), if any.</summary>
    public static string? CategoryOf(string signalType) => Cues.GetValueOrDefault(signalType).Category;

    /// <summary>A playbook's content as steps: its sentences or list items.</summary>
    public static IEnumerable<string> Steps(string? content) => (content ?? "")
        .Split(['\n', ';', '.'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(x => x.TrimStart('-', '*', ' ', '1', '2', '3', '4', '5', '6', '7', '8', '9', ')').Trim())
        .Where(x => x.Length > 3).Take(8);
}
