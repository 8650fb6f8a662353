using System.Text.RegularExpressions;

namespace Clientele.Modules.Agents.Orchestration;

/// <summary>
/// Answers that commit the company (refunds, discounts, cancellations, legal and contract
/// terms) are risky: a second agent verifies them before they are sent.
/// </summary>
public static partial class RiskPolicy
{
    public const string Refund = "refund";
    public const string Discount = "discount";
    public const string Cancellation = "cancellation";
    public const string Legal = "legal";

    /// <summary>The risk topics of a customer message (and its intent) and of the draft answer, in a fixed order.</summary>
    public static IReadOnlyList<string> Topics(string customerText, string intent, string draft)
    {
        var text = customerText + "\n" + draft;
        var topics = new List<string>();
        if (RefundWords().IsMatch(text)) topics.Add(Refund);
        if (DiscountWords().IsMatch(text)) topics.Add(Discount);
        if (intent == "cancellation" || CancelWords().IsMatch(customerText)) topics.Add(Cancellation);
        if (LegalWords().IsMatch(text)) topics.Add(Legal);
        return topics;
    }

    /// <summary>Who verifies: billing for money matters, success for legal terms; never the agent that drafted.</summary>
    public static string Verifier(IReadOnlyList<string> topics, string drafter)
    {
        var owner = topics.Any(t => t is Refund or Discount or Cancellation) ? Specialists.Billing : Specialists.Success;
        return owner != drafter ? owner : owner == Specialists.Billing ? Specialists.Success : Specialists.Billing;
    }

    [GeneratedRegex(@"\b(refund\w*|money\s+back|reimburs\w*|chargeback|reembols\w*|devolu[cç][aã]o|estorno)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RefundWords();

    [GeneratedRegex(@"\b(discount\w*|coupon|promo(tion)?\s+code|\d+\s?%\s+off|desconto\w*|descuento\w*|cup[oó]n)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DiscountWords();

    [GeneratedRegex(@"\b(cancel\w*|terminate\s+(my|our|the)\s+(contract|subscription|account)|unsubscribe|cancelar\w*|cancelamento)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CancelWords();

    [GeneratedRegex(@"\b(legal\w*|lawyer|attorney|lawsuit|sue|contract\w*|terms\s+of\s+(service|use)|liabilit\w*|gdpr|lgpd|sla\s+breach|advogad\w*|contrato\w*|jur[ií]dic\w*|abogad\w*)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LegalWords();
}
