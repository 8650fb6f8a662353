using System.Text;
using System.Text.RegularExpressions;
using Clientele.Modules.Agents.Ai;

namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// How knowledge base articles travel to a model: one system message that starts with
/// <see cref="Header"/>, then per article a line "[kb:&lt;id&gt;] &lt;title&gt;" followed by its
/// content. A real model reads it as instructions plus sources; the built-in engine parses it back
/// (docs/ai.md, "Built-in engine").
/// </summary>
public static partial class KnowledgePrompt
{
    public const string Header = "Knowledge base articles";
    private const string Instruction = " (answer from these when they cover the question and name the article you used; if none does, say a colleague will follow up):";

    [GeneratedRegex(@"^\[kb:(?<id>[0-9a-fA-F-]{36})\][ \t]*(?<title>[^\r\n]*)\r?$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ArticleLine();

    public static string Format(IEnumerable<KnowledgeHit> hits)
    {
        var sb = new StringBuilder(Header).Append(Instruction);
        foreach (var h in hits)
            sb.Append("\n\n[kb:").Append(h.Id).Append("] ").Append(h.Title.ReplaceLineEndings(" ")).Append('\n').Append(h.Content.Trim());
        return sb.ToString();
    }

    public static bool IsKnowledge(string? text) => text is not null && text.StartsWith(Header, StringComparison.Ordinal);

    /// <summary>The articles in a message made by <see cref="Format"/> (rank: 1 for the first, then lower).</summary>
    public static List<KnowledgeHit> Parse(string? text)
    {
        var hits = new List<KnowledgeHit>();
        if (!IsKnowledge(text)) return hits;
        var lines = ArticleLine().Matches(text!);
        for (var i = 0; i < lines.Count; i++)
        {
            var start = lines[i].Index + lines[i].Length;
            var end = i + 1 < lines.Count ? lines[i + 1].Index : text!.Length;
            hits.Add(new KnowledgeHit(Guid.Parse(lines[i].Groups["id"].Value), lines[i].Groups["title"].Value.Trim(), text![start..end].Trim(), 1.0 / (i + 1)));
        }
        return hits;
    }
}
