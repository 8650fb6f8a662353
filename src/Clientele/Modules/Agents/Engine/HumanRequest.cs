using System.Text.RegularExpressions;

namespace Clientele.Modules.Agents.Engine;

/// <summary>A customer asking for a person ("can I talk to a human?", "falar com um atendente") or whether they talk to a bot.</summary>
public static partial class HumanRequest
{
    [GeneratedRegex(@"\b(?:talk|speak|chat)\w*\s+(?:to|with)\s+(?:a\s+|an\s+|some\s*one|somebody|your\s+)?(?:real\s+)?(?:human|person|people|someone|somebody|agent|representative|manager|operator)\b|\b(?:real|actual|live)\s+(?:person|human|agent)\b|\bhuman\s+(?:agent|being|please)\b|\b(?:falar|conversar)\s+com\s+(?:um|uma|algu[eé]m|atendente|humano|pessoa)|\bhablar\s+con\s+(?:un|una|alguien|humano|persona|agente)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AskForPerson();

    [GeneratedRegex(@"\b(?:are|r)\s+(?:you|u)\s+(?:a\s+)?(?:bot|robot|ai|human|real|person)\b|\b(?:voc[eê]|vc)\s+[eé]\s+(?:um\s+)?(?:rob[oô]|bot)\b|\b(?:eres|es)\s+(?:un\s+)?(?:bot|robot)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AskIfBot();

    public static bool IsAsked(string? text) => text is not null && AskForPerson().IsMatch(text);

    public static bool AsksIfBot(string? text) => text is not null && AskIfBot().IsMatch(text);
}
