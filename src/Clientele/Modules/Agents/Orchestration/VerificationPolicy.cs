using System.Text.RegularExpressions;

namespace Clientele.Modules.Agents.Orchestration;

/// <summary>The verifier's decision on a risky draft and the text that is sent.</summary>
/// <param name="Verdict">approved (sent as drafted), softened (a confirmation note added) or revised (promises removed)</param>
public sealed record Verification(string Verdict, string Text, string Outcome, IReadOnlyList<string> Removed)
{
    public bool ConsensusReached => Verdict != "revised";
}

/// <summary>
/// The deterministic rules of the verifying agent: an AI answer may explain policies but must
/// not promise a refund, discount, cancellation or legal term; a person confirms those. Promises
/// are removed sentence by sentence and the reply says who confirms. Also a guardrail applied
/// to a model's own verification.
/// </summary>
public static partial class VerificationPolicy
{
    private static readonly Dictionary<string, string> Confirmations = new()
    {
        [RiskPolicy.Refund] = "A billing specialist will review your refund request and confirm it with you.",
        [RiskPolicy.Discount] = "A specialist will confirm any discount with you.",
        [RiskPolicy.Cancellation] = "A billing specialist will confirm the cancellation and its effective date with you.",
        [RiskPolicy.Legal] = "A member of our team will confirm the contract and legal details with you in writing.",
    };

    public static Verification Review(string draft, IReadOnlyList<string> topics)
    {
        var sentences = Sentence().Split(draft.Trim()).Where(x => x.Length > 0).ToList();
        var removed = sentences.Where(x => Promise().IsMatch(x)).ToList();
        var kept = sentences.Except(removed).ToList();
        var notes = topics.Select(t => Confirmations[t]).Distinct()
            .Where(n => !kept.Any(k => k.Contains(n, StringComparison.OrdinalIgnoreCase))).ToList();
        var deferred = kept.Any(k => Deferral().IsMatch(k));
        if (removed.Count == 0 && (notes.Count == 0 || deferred))
            return new Verification("approved", draft.Trim(), "approved: the draft promises nothing a person must confirm", []);
        var text = string.Join(" ", kept.Concat(notes));
        return removed.Count == 0
            ? new Verification("softened", text, $"softened: added who confirms the {string.Join(", ", topics)}", [])
            : new Verification("revised", text, $"revised: removed {removed.Count} promise(s) about the {string.Join(", ", topics)}; a person confirms them", removed);
    }

    /// <summary>Whether a text promises something only a person can approve.</summary>
    public static bool Promises(string text) => Promise().IsMatch(text);

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex Sentence();

    [GeneratedRegex("""
        \b(we|i)\s*('ll|'ve|\s+will|\s+have|\s+can|\s+are\s+going\s+to)?\s+(go\s+ahead\s+and\s+)?(refund(ed)?|reimburse(d)?|issue(d)?\s+(you\s+)?a\s+(full\s+)?refund|process(ed)?\s+(your|the|a)\s+refund|give\s+you\s+(a\s+)?(\d+\s?%\s+)?(discount|refund|credit)|apply\s+(a\s+)?(\d+\s?%\s+)?discount|cancel(l?ed)?\s+(your|the)\s+(subscription|account|plan|contract)|waive|guarantee)\b
        | \byou\s*('ll|\s+will)\s+(get|receive)\s+(a|your|the)\s+(full\s+)?(refund|discount|credit)\b
        | \b(refund|discount|cancellation)\s+(has\s+been|is|was)\s+(approved|processed|issued|confirmed|applied)\b
        | \b(your\s+(subscription|account|plan|contract)\s+(has\s+been|is|was)\s+cancel(l)?ed)\b
        | \b(legally\s+binding|not\s+liable|no\s+liability)\b
        | \b(vamos|iremos)\s+(reembolsar|estornar|cancelar)\b | \breembolso\s+(foi|ser[aá])\s+(aprovado|processado)\b
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex Promise();

    [GeneratedRegex(@"\b(specialist|team|person|colleague|someone)\b.{0,40}\b(will|to)\s+(confirm|review|follow\s+up|get\s+back)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Deferral();
}
