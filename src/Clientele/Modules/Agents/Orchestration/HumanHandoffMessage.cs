using System.Text.RegularExpressions;

namespace Clientele.Modules.Agents.Orchestration;

/// <summary>
/// What the customer reads when the conversation goes to a person: fixed text (no model call, so
/// it cannot go wrong at the worst moment), in Portuguese or Spanish when the customer wrote in it.
/// </summary>
public static partial class HumanHandoffMessage
{
    public static string For(string customerText, string? firstName)
    {
        var name = string.IsNullOrWhiteSpace(firstName) ? "" : ", " + firstName;
        if (Portuguese().IsMatch(customerText))
            return $"Entendo{name}. Estou passando a sua conversa para uma pessoa da nossa equipe, que vai responder aqui em breve.";
        if (Spanish().IsMatch(customerText))
            return $"Entiendo{name}. Estoy pasando tu conversación a una persona de nuestro equipo, que te responderá aquí en breve.";
        return $"I'm sorry{name}, I understand. I'm passing this conversation to a person on our team, who will reply here shortly.";
    }

    /// <summary>The first word of a display name ("Maria Souza" → "Maria"), or null.</summary>
    public static string? FirstName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? null : name.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];

    [GeneratedRegex(@"\b(voc[eê]|n[aã]o|obrigad[oa]|quero|preciso|falar|atendente|ol[aá]|por\s+favor|est[aá])\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Portuguese();

    [GeneratedRegex(@"\b(usted|quiero|necesito|hablar|gracias|hola|por\s+favor|est[aá]s|persona)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Spanish();
}
