using System.Text.Json;
using System.Text.Json.Serialization;

namespace Clientele.Modules.Success.Copilot;

/// <summary>
/// What the copilot knows about one customer when it answers: a compact, numeric digest of the
/// customer's health, usage, billing, conversations, stakeholders, renewal and expansion, read in
/// the tenant's session (CustomerBriefReader). It travels to the model as JSON in the system message,
/// so the built-in engine and a real model read the same facts. TimeZone is the calendar's (meeting
/// times said without a zone are in it); RequesterName is the CSM asking.
/// </summary>
public sealed record CustomerBrief(
    DateTimeOffset AsOf,
    BriefCustomer Customer,
    BriefHealth Health,
    BriefUsage Usage,
    BriefBilling Billing,
    BriefConversations Conversations,
    IReadOnlyList<BriefContact> Stakeholders,
    BriefRenewal? Renewal,
    BriefContract? Contract,
    IReadOnlyList<BriefExpansion> Expansion,
    string? TimeZone = null,
    string? RequesterName = null,
    BriefSuccess? Success = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static CustomerBrief? FromJson(string json)
    {
        try { return JsonSerializer.Deserialize<CustomerBrief>(json, Json); }
        catch (JsonException) { return null; }
    }

    /// <summary>Who signs what the copilot drafts: the CSM asking, else the customer's CSM.</summary>
    [JsonIgnore] public string Signature => RequesterName ?? Customer.CsmName ?? "Your customer success team";

    /// <summary>The stakeholders still at the customer, primary first.</summary>
    [JsonIgnore] public IEnumerable<BriefContact> CurrentStakeholders => Stakeholders.Where(c => !c.Left).OrderByDescending(c => c.IsPrimary);
}

/// <summary>
/// The customer-success model's own answers, read when a question needs them (why health moves, the
/// QBR, the playbook): the health explanation's components with their evidence, the QBR draft of the
/// last full quarter, and the playbooks that fit the open risk signals.
/// </summary>
public sealed record BriefSuccess(BriefHealthWhy? HealthWhy, BriefQbrPrep? Qbr, IReadOnlyList<BriefPlaybook> Playbooks);

/// <param name="From">the oldest of the last 30 recorded scores, and when it was recorded</param>
public sealed record BriefHealthWhy(int? Score, int? From, DateOnly? FromDate, decimal Confidence, string? Summary, IReadOnlyList<BriefComponent> Components);

/// <param name="Facts">the component's evidence with its points ("DAU 5 this week vs 10 the week before (-50%): -25")</param>
public sealed record BriefComponent(string Name, int Score, double Weight, double Contribution, IReadOnlyList<string> Facts);

public sealed record BriefQbrPrep(string Quarter, string Summary, IReadOnlyList<string> Wins, IReadOnlyList<string> Challenges, IReadOnlyList<string> Actions);

/// <param name="Because">the open risk signals it answers</param>
public sealed record BriefPlaybook(string Title, string? Category, double Rank, IReadOnlyList<string> Because, IReadOnlyList<string> Steps);

public sealed record BriefCustomer(Guid Id, string Name, string? Email, string? Plan, string? Stage, string? Segment, string? Industry,
    decimal? Mrr, decimal? Arr, int? HealthScore, decimal? ChurnRisk, int? NpsScore, DateOnly? RenewalDate, string? CsmName);

/// <param name="Score30DaysAgo">the last recorded score at least 30 days old (null when the history is younger)</param>
public sealed record BriefHealth(int? Score, int? Score30DaysAgo, IReadOnlyList<BriefScorePoint> History, IReadOnlyList<BriefRiskSignal> OpenRiskSignals)
{
    public int? Change30Days => Score is { } now && Score30DaysAgo is { } then ? now - then : null;
}

public sealed record BriefScorePoint(DateOnly Date, int Score);

public sealed record BriefRiskSignal(string Type, string Severity, string? Description, DateOnly DetectedOn);

public sealed record BriefUsage(DateOnly? MetricDate, int? Dau, int? Wau, int? Mau, int? Mau30DaysAgo, int? AdoptionScore, string? Trend,
    int EventsLast30Days, int EventsPrior30Days, IReadOnlyList<BriefFeature> TopFeatures, IReadOnlyList<string> IdleFeatures)
{
    /// <summary>MAU change against 30 days earlier, in percent (null without both numbers).</summary>
    public int? MauChangePercent => Mau is { } now && Mau30DaysAgo is { } then && then > 0 ? (int)Math.Round((now - then) * 100.0 / then) : null;
    [JsonIgnore] public bool HasData => MetricDate is not null || EventsLast30Days > 0 || EventsPrior30Days > 0 || TopFeatures.Count > 0;
}

public sealed record BriefFeature(string Name, int Uses);

public sealed record BriefBilling(string Currency, BriefSubscription? Subscription, int OpenInvoices, decimal OpenAmount, int OverdueInvoices,
    decimal OverdueAmount, int? OldestOverdueDays, IReadOnlyList<BriefInvoice> Overdue, BriefPayment? LastPayment, int FailedPayments90Days,
    decimal CreditsAvailable);

public sealed record BriefSubscription(string Plan, string Status, string BillingCycle, decimal? Mrr, int SeatsUsed, int SeatsTotal,
    DateOnly? PeriodEnd, bool CancelAtPeriodEnd);

public sealed record BriefInvoice(string? Number, decimal Amount, DateOnly? DueOn, int DaysOverdue);

public sealed record BriefPayment(decimal Amount, string Status, DateOnly? On);

public sealed record BriefConversations(int Last30Days, int Open, int Escalated90Days, double? AverageSentiment90Days, IReadOnlyList<BriefConversation> Recent);

public sealed record BriefConversation(DateOnly On, string Status, string? Channel, string? Intent, string? Emotion, double? Sentiment, string? Subject);

/// <param name="Left">the person left the customer (contact deleted, or extra_metadata.status left/departed)</param>
/// <param name="IsChampion">the champion of an expansion opportunity, or marked champion</param>
public sealed record BriefContact(Guid Id, string? Name, string? Email, string? Title, string? Role, bool IsPrimary, bool IsChampion,
    string? Sentiment, bool Left)
{
    [JsonIgnore] public string Label => Name ?? Email ?? "a contact";
    [JsonIgnore] public string FirstName => Name?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? Label;
}

public sealed record BriefRenewal(DateOnly RenewalDate, int DaysUntil, string Stage, int? Probability, decimal? CurrentArr, decimal? ProposedArr,
    IReadOnlyList<string> RiskFactors, bool ChampionEngaged, bool ExecSponsorEngaged, bool QbrCompleted, bool ProposalSent, bool VerbalCommit,
    bool ContractSigned);

public sealed record BriefContract(string Status, DateOnly? StartDate, DateOnly? EndDate, decimal? Arr, string? Term);

public sealed record BriefExpansion(string Type, string? ProductLine, decimal? EstimatedValue, int? Probability, string Stage, string? Timeline,
    string? ChampionName);
