using System.Text.RegularExpressions;

namespace Clientele.Modules.Agents.Engine;

/// <summary>E-mail addresses and phone numbers written in a message.</summary>
internal static partial class ContactDetails
{
    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    public static partial Regex EmailPattern();

    [GeneratedRegex(@"(?:https?://|www\.)\S+", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    public static partial Regex UrlPattern();

    // Digits with the separators people type: "+55 11 98765-4321", "(415) 555-0199", "+1 415 555 0132".
    [GeneratedRegex(@"(?<![\w$€£.,/-])(\+?\(?\d[\d \-().]{6,20}\d)(?![\w%]|[.,]\d)", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    public static string? Email(string text)
    {
        var m = EmailPattern().Match(text);
        return m.Success ? m.Value.ToLowerInvariant() : null;
    }

    /// <summary>The first phone number: "+" and digits when it starts with "+", else digits (8 to 15 of them, 10+ without a country code).</summary>
    /// <param name="text">the message with e-mails, links, dates and times blanked out</param>
    public static string? Phone(string text)
    {
        foreach (Match m in PhonePattern().Matches(text))
        {
            var raw = m.Groups[1].Value;
            var digits = new string(raw.Where(char.IsDigit).ToArray());
            var international = raw.StartsWith('+');
            if (digits.Length > 15 || digits.Length < (international ? 8 : 10)) continue;
            if (!international && !raw.Any(c => c is ' ' or '-' or '(' or '.') && digits.Length < 11) continue; // a bare 10-digit number is more often an id
            return international ? "+" + digits : digits;
        }
        return null;
    }
}
