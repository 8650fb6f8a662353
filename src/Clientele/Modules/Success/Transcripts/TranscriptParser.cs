using System.Globalization;
using System.Text.RegularExpressions;

namespace Clientele.Modules.Success.Transcripts;

/// <summary>
/// Reads a meeting transcript as WebVTT, SubRip (SRT) or plain text ("Speaker: words" per line,
/// or just words) into utterances with speaker and timing. VTT voice tags (&lt;v Ana&gt;) and
/// "Name:" prefixes name the speaker; cue timings give the duration. What it cannot read is an
/// empty list, which the API turns into a 422.
/// </summary>
public static partial class TranscriptParser
{
    public sealed record Utterance(string? Speaker, double? Start, double? End, string Text);

    public sealed record Parsed(string Format, List<Utterance> Utterances)
    {
        public int WordCount => Utterances.Sum(u => Words(u.Text));
        /// <summary>Seconds up to the last cue's end (null for plain text, which has no timings).</summary>
        public int? Duration => Utterances.Any(u => u.End is not null) ? (int)Math.Round(Utterances.Max(u => u.End ?? 0)) : null;
        public List<string> Speakers => Utterances.Where(u => u.Speaker is not null).Select(u => u.Speaker!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    public const string Vtt = "vtt", Srt = "srt", Text = "text";

    [GeneratedRegex(@"^\s*((?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3})")]
    private static partial Regex Timing();
    [GeneratedRegex(@"^<v(?:\.[\w.-]+)?\s+([^>]+)>")]
    private static partial Regex VoiceTag();
    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tags();
    [GeneratedRegex(@"^\s*(?:\[(?:\d{1,2}:)?\d{1,2}:\d{2}\]\s*)?([A-Z][\p{L}'.-]*(?: [A-Z][\p{L}'.-]*){0,3})\s*:\s+(.+)$")]
    private static partial Regex SpeakerLine();

    /// <summary>The format named by the caller (vtt, srt, text) or, when empty, recognized from the content.</summary>
    public static string Detect(string content, string? format)
    {
        if (!string.IsNullOrWhiteSpace(format)) return format.Trim().ToLowerInvariant() switch
        {
            "vtt" or "webvtt" or "text/vtt" => Vtt,
            "srt" or "subrip" or "application/x-subrip" => Srt,
            "text" or "txt" or "plain" or "text/plain" => Text,
            _ => "",
        };
        var head = content.TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        if (head.StartsWith("WEBVTT", StringComparison.Ordinal)) return Vtt;
        var lines = head.Split('\n', 4);
        return lines.Length >= 2 && int.TryParse(lines[0].Trim(), out _) && Timing().IsMatch(lines[1]) ? Srt : Text;
    }

    public static Parsed Parse(string content, string format)
    {
        var lines = content.Replace("\r\n", "\n").Replace('\r', '\n').TrimStart('\uFEFF').Split('\n');
        return format == Text ? new Parsed(Text, PlainText(lines)) : new Parsed(format, Cues(lines, format == Vtt));
    }

    /// <summary>VTT and SRT alike: a timing line, then text lines until a blank line.</summary>
    private static List<Utterance> Cues(string[] lines, bool vtt)
    {
        var list = new List<Utterance>();
        for (var i = 0; i < lines.Length; i++)
        {
            var m = Timing().Match(lines[i]);
            if (!m.Success) continue;
            var text = new List<string>();
            string? speaker = null;
            for (i++; i < lines.Length && lines[i].Trim().Length > 0; i++)
            {
                var line = lines[i].Trim();
                if (vtt && VoiceTag().Match(line) is { Success: true } v) { speaker ??= v.Groups[1].Value.Trim(); }
                line = Tags().Replace(line, "").Trim();
                if (speaker is null && text.Count == 0 && SpeakerLine().Match(line) is { Success: true } sl) { speaker = sl.Groups[1].Value; line = sl.Groups[2].Value; }
                if (line.Length > 0) text.Add(line);
            }
            if (text.Count > 0) list.Add(new Utterance(speaker, Seconds(m.Groups[1].Value), Seconds(m.Groups[2].Value), string.Join(' ', text)));
        }
        return list;
    }

    /// <summary>"Name: words" starts an utterance; other lines continue the last one (or stand alone).</summary>
    private static List<Utterance> PlainText(string[] lines)
    {
        var list = new List<Utterance>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            if (SpeakerLine().Match(line) is { Success: true } m) list.Add(new Utterance(m.Groups[1].Value, null, null, m.Groups[2].Value.Trim()));
            else if (list.Count > 0 && list[^1].Speaker is not null && !line.EndsWith(':')) list[^1] = list[^1] with { Text = list[^1].Text + " " + line };
            else list.Add(new Utterance(null, null, null, line));
        }
        return list;
    }

    private static double Seconds(string stamp)
    {
        var parts = stamp.Replace(',', '.').Split(':');
        double total = 0;
        foreach (var p in parts) total = total * 60 + double.Parse(p, CultureInfo.InvariantCulture);
        return total;
    }

    public static int Words(string text) => text.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).Length;
}
