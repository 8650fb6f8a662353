using System.Text.Json;
using System.Text.RegularExpressions;

namespace Clientele.Modules.Email;

/// <summary>
/// Mail no person wrote, told apart from the inbound JSON's optional "headers" (an object of header
/// name → value, or the raw header block) and the sender: a delivery status notification (bounce:
/// Content-Type multipart/report; report-type=delivery-status, or from MAILER-DAEMON / postmaster)
/// and an automatic reply (RFC 3834 Auto-Submitted other than "no", Precedence auto_reply / bulk /
/// junk / list, X-Autoreply, X-Autorespond). Neither is ever answered by the AI, so an
/// out-of-office never loops with the agent.
/// </summary>
public static partial class AutomaticMail
{
    public sealed record Reading(string? Kind, IReadOnlyList<string> Bounced, string? Reason);

    public static Reading Read(JsonElement root, string fromEmail, string? text)
    {
        var headers = Headers(root);
        string? H(string name) => headers.TryGetValue(name, out var v) ? v : null;
        var local = fromEmail.Split('@')[0].ToLowerInvariant();
        var contentType = H("content-type") ?? "";
        var isDsn = (contentType.Contains("multipart/report", StringComparison.OrdinalIgnoreCase) && contentType.Contains("delivery-status", StringComparison.OrdinalIgnoreCase))
            || local is "mailer-daemon" or "postmaster" || H("x-failed-recipients") is not null;
        if (isDsn)
        {
            var bounced = new List<string>();
            if (H("x-failed-recipients") is { } failed) bounced.AddRange(failed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            foreach (Match m in FinalRecipient().Matches(text ?? "")) bounced.Add(m.Groups[1].Value);
            var status = DsnStatus().Match(text ?? "") is { Success: true } s ? s.Groups[1].Value : null;
            var diagnostic = Diagnostic().Match(text ?? "") is { Success: true } d ? d.Groups[1].Value.Trim() : null;
            var list = bounced.Select(b => b.Trim().Trim('<', '>').ToLowerInvariant()).Where(b => b.Contains('@', StringComparison.Ordinal) && b.Length <= 255).Distinct().ToList();
            // 4.x.x is a delay report, not a failure: the address is not marked.
            if (status is not null && status.StartsWith('4')) list.Clear();
            return new Reading("bounce", list, string.Join(" ", new[] { status, diagnostic }.Where(x => x is not null)) is { Length: > 0 } r ? r : "delivery failed");
        }
        var auto = H("auto-submitted");
        var precedence = H("precedence")?.Trim().ToLowerInvariant();
        if ((auto is not null && !auto.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
            || precedence is "auto_reply" or "bulk" or "junk" or "list"
            || H("x-autoreply") is not null || H("x-autorespond") is not null)
            return new Reading("auto_reply", [], null);
        return new Reading(null, [], null);
    }

    /// <summary>Header names lower-cased; the first value wins.</summary>
    private static Dictionary<string, string> Headers(JsonElement root)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!root.TryGetProperty("headers", out var h)) return map;
        if (h.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in h.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.String) map.TryAdd(p.Name, p.Value.GetString()!);
        }
        else if (h.ValueKind == JsonValueKind.String)
        {
            // A raw header block: unfold continuation lines, then "Name: value" per line.
            var unfolded = Regex.Replace(h.GetString()!, @"\r?\n[ \t]+", " ");
            foreach (var line in unfolded.Split('\n'))
                if (line.IndexOf(':', StringComparison.Ordinal) is > 0 and var at) map.TryAdd(line[..at].Trim(), line[(at + 1)..].Trim());
        }
        return map;
    }

    [GeneratedRegex(@"(?im)^\s*(?:Final|Original)-Recipient:\s*rfc822;\s*<?([^\s<>;]+@[^\s<>;]+)>?")]
    private static partial Regex FinalRecipient();

    [GeneratedRegex(@"(?im)^\s*Status:\s*([245]\.\d{1,3}\.\d{1,3})")]
    private static partial Regex DsnStatus();

    [GeneratedRegex(@"(?im)^\s*Diagnostic-Code:\s*(.{1,200})$")]
    private static partial Regex Diagnostic();
}
