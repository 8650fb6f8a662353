using System.Text.RegularExpressions;

namespace Clientele.Modules.Agents.Orchestration;

/// <summary>Phrases that change what happens to a conversation, in English, Portuguese and Spanish.</summary>
public static partial class CustomerSignals
{
    /// <summary>"let me talk to a human", "get me a manager", "falar com um atendente", "hablar con una persona".</summary>
    public static bool AsksForHuman(string text) => HumanRequest().IsMatch(text);

    /// <summary>The customer confirms the problem is solved: "that solved it, thanks", "problema resolvido".</summary>
    public static bool ConfirmsResolution(string text) => Resolution().IsMatch(text) && !Negated().IsMatch(text);

    [GeneratedRegex("""
        \b(talk|speak|chat)\s+(to|with)\s+(a|an|the|some|your)?\s*(real\s+|actual\s+|live\s+)?(human|person|people|someone|somebody|manager|supervisor|representative|rep|operator|human\s+agent|live\s+agent|real\s+agent)\b
        | \b(get|give|put)\s+me\s+(through\s+to\s+)?(a|an|the|your)?\s*(real\s+|live\s+)?(human|person|manager|supervisor|representative|operator)\b
        | \b(i\s+want|i\s+need|i'd\s+like)\s+(a|an|to\s+talk\s+to\s+a)?\s*(real\s+|live\s+)?(human|person|manager|supervisor)\b
        | \bhuman\s+(please|agent|being)\b
        | \bfalar\s+com\s+(um|uma|o|a|algum|alguma)?\s*(atendente|humano|pessoa|gerente|supervisor|respons[aá]vel)\b
        | \b(quero|preciso\s+de)\s+(um|uma)\s+(atendente|humano|pessoa|gerente)\b
        | \bhablar\s+con\s+(un|una|el|la|alg[uú]n)?\s*(agente|humano|persona|gerente|asesor|supervisor|encargado)\b
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex HumanRequest();

    [GeneratedRegex("""
        \b(that|this|it)\s+(solved|fixed|resolved|answers|answered)\s+(it|my\s+(problem|question|issue))\b
        | \b(problem|issue)\s+(is\s+)?(solved|fixed|resolved)\b
        | \b(all\s+(good|sorted|set)|that's\s+all|that\s+is\s+all)\b.*\b(thanks|thank\s+you)\b
        | \bproblema\s+resolvido\b | \bresolvido,?\s+obrigad[oa]\b
        | \bproblema\s+resuelto\b
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex Resolution();

    [GeneratedRegex(@"\b(not|n't|still|never|nao|não|no)\s+(\w+\s+)?(solved|fixed|resolved|resolvido|resuelto|working)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Negated();
}
