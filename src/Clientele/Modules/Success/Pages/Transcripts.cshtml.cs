using System.Text;
using System.Text.Json.Nodes;
using Clientele.Modules.Success.Transcripts;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Success.Pages;

/// <summary>
/// /app/success/transcripts: paste or upload a meeting's transcript (VTT, SRT or text) and read its
/// analysis; /app/success/transcripts/{meeting}: the analysis of that meeting (summary, sentiment,
/// action items, commitments, risks, expansion, stakeholders, competitors, and who read it). The
/// same code as POST /api/v1/meetings/{id}/transcript; a form with errors is answered 422 and
/// writes nothing.
/// </summary>
public sealed class TranscriptsModel : ConsolePage
{
    public sealed record MeetingOption(Guid Id, string Label);
    public sealed record Row(Guid MeetingId, string Title, string? Customer, DateTime At, string? Sentiment, string? RiskLevel, string? Expansion, DateTime AnalyzedAt);
    public sealed record Analysis(Guid MeetingId, string Title, Guid? CustomerId, string? Customer, DateTime At, string? Summary, string? Sentiment, int? SentimentScore,
        string? RiskLevel, string? ExpansionPotential, int? Confidence, DateTime AnalyzedAt, JsonArray ActionItems, JsonArray Commitments, JsonArray FollowUps,
        JsonArray Risks, JsonArray Expansion, JsonArray Stakeholders, JsonArray Competitors, int? Words, int? Duration, string? AnalyzedBy, string? FallbackReason);

    public IReadOnlyList<MeetingOption> Meetings { get; private set; } = [];
    public IReadOnlyList<Row> Recent { get; private set; } = [];
    public Analysis? Current { get; private set; }
    public string? Flash { get; private set; }
    public Guid? MeetingId { get; private set; }
    public string? Pasted { get; private set; }
    public string? Format { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? meeting)
    {
        Flash = TempData["flash"] as string;
        MeetingId = meeting;
        await LoadAsync(meeting);
        return meeting is not null && Current is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostAnalyzeAsync(Guid? meetingId, string? content, IFormFile? file, string? format)
    {
        RequireWrite();
        (MeetingId, Pasted, Format) = (meetingId, content, format);
        var max = Service<IConfiguration>().GetValue<long?>("Success:TranscriptMaxBytes") ?? TranscriptsApi.DefaultMaxBytes;
        var fromFile = file is { Length: > 0 };
        string? text = null;
        if (meetingId is null) ModelState.AddModelError("meetingId", "Choose the meeting.");
        if (fromFile)
        {
            if (file!.Length > max) ModelState.AddModelError("file", $"The file is larger than {max / 1024} KB.");
            else
            {
                using var ms = new MemoryStream();
                await file.CopyToAsync(ms, Aborted);
                try { text = new UTF8Encoding(false, true).GetString(ms.ToArray()); }
                catch (DecoderFallbackException) { ModelState.AddModelError("file", "The file must be UTF-8 text (VTT, SRT or plain text)."); }
            }
        }
        else if (string.IsNullOrWhiteSpace(content)) ModelState.AddModelError("content", "Paste the transcript or choose a file.");
        else if (Encoding.UTF8.GetByteCount(content) > max) ModelState.AddModelError("content", $"The transcript is larger than {max / 1024} KB.");
        else text = content;

        if (ModelState.IsValid && text is not null)
        {
            var field = fromFile ? "file" : "content";
            try
            {
                var hint = format is { Length: > 0 } f ? f : fromFile ? Path.GetExtension(file!.FileName ?? "").TrimStart('.') : null;
                var detected = TranscriptsApi.Format(text, hint is "txt" ? "text" : hint, fromFile ? "file" : "format");
                await using var s = OpenSession();
                await TranscriptsApi.StoreAsync(s, Service<TranscriptModel>(), meetingId!.Value, text, detected, null, DateTime.UtcNow, Aborted);
                await s.CommitAsync(Aborted);
                TempData["flash"] = "Transcript analysed: its risks and expansion signals are in the customer's health now.";
                return Redirect($"/app/success/transcripts/{meetingId}");
            }
            catch (ProblemException p) when (p.Status == 404)
            {
                ModelState.AddModelError("meetingId", "That meeting does not exist.");
            }
            catch (ProblemException p) when (p.Status == 422)
            {
                var (key, messages) = p.Errors?.FirstOrDefault() ?? default;
                var formField = key == "format" ? "format" : field;
                ModelState.AddModelError(formField, $"The {(formField == "format" ? "format" : "transcript")} {messages?.FirstOrDefault() ?? p.Detail}.");
            }
        }
        await LoadAsync(null);
        Response.StatusCode = 422;
        return Page();
    }

    private async Task LoadAsync(Guid? meeting)
    {
        await using var s = OpenSession();
        var org = s.OrganizationId;
        Meetings = await s.ReadListAsync("""
            SELECT m.id, coalesce(m.title, 'Meeting') || ' · ' || coalesce(c.company_name, c.name, 'no customer') || ' · ' || to_char(m.scheduled_at, 'YYYY-MM-DD')
            FROM meetings m LEFT JOIN customers c ON c.organization_id = m.organization_id AND c.id = m.customer_id
            WHERE m.organization_id = $1 AND m.scheduled_at <= now() + interval '1 day'
            ORDER BY m.scheduled_at DESC, m.id LIMIT 200
            """, [org], r => new MeetingOption(r.GetGuid(0), r.GetString(1)), Aborted);
        Recent = await s.ReadListAsync("""
            SELECT a.meeting_id, coalesce(m.title, 'Meeting'), coalesce(c.company_name, c.name), m.scheduled_at, a.overall_sentiment, a.risk_level, a.expansion_potential, a.analyzed_at
            FROM meeting_analyses a JOIN meetings m ON m.organization_id = a.organization_id AND m.id = a.meeting_id
            LEFT JOIN customers c ON c.organization_id = a.organization_id AND c.id = a.customer_id
            WHERE a.organization_id = $1 ORDER BY a.analyzed_at DESC, a.id LIMIT 50
            """, [org], r => new Row(r.GetGuid(0), r.GetString(1), S(r, 2), r.GetDateTime(3), S(r, 4), S(r, 5), S(r, 6), r.GetDateTime(7)), Aborted);
        if (meeting is not { } id) return;
        Current = await s.ReadFirstAsync("""
            SELECT m.id, coalesce(m.title, 'Meeting'), c.id, coalesce(c.company_name, c.name), m.scheduled_at, a.summary, a.overall_sentiment, a.sentiment_score,
                   a.risk_level, a.expansion_potential, a.confidence, a.analyzed_at,
                   coalesce(a.action_items, '[]')::text, coalesce(a.commitments, '[]')::text, coalesce(a.follow_ups, '[]')::text, coalesce(a.risk_signals, '[]')::text,
                   coalesce(a.expansion_signals, '[]')::text, coalesce(a.stakeholder_insights, '[]')::text, coalesce(a.competitor_mentions, '[]')::text,
                   t.word_count, t.duration, t.metadata->>'analyzed_by', t.metadata->>'fallback_reason'
            FROM meeting_analyses a JOIN meetings m ON m.organization_id = a.organization_id AND m.id = a.meeting_id
            LEFT JOIN customers c ON c.organization_id = a.organization_id AND c.id = a.customer_id
            LEFT JOIN transcripts t ON t.organization_id = a.organization_id AND t.meeting_id = a.meeting_id
            WHERE a.organization_id = $1 AND a.meeting_id = $2
            ORDER BY a.analyzed_at DESC, t.created_at DESC NULLS LAST LIMIT 1
            """, [org, id], r => new Analysis(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetGuid(2), S(r, 3), r.GetDateTime(4), S(r, 5), S(r, 6),
                r.IsDBNull(7) ? null : r.GetInt32(7), S(r, 8), S(r, 9), r.IsDBNull(10) ? null : r.GetInt32(10), r.GetDateTime(11),
                Arr(r.GetString(12)), Arr(r.GetString(13)), Arr(r.GetString(14)), Arr(r.GetString(15)), Arr(r.GetString(16)), Arr(r.GetString(17)), Arr(r.GetString(18)),
                r.IsDBNull(19) ? null : r.GetInt32(19), r.IsDBNull(20) ? null : r.GetInt32(20), S(r, 21), S(r, 22)), Aborted);
    }

    /// <summary>One line for an item of an analysis list: its text, then who and when.</summary>
    public static string Line(JsonNode? node)
    {
        if (node is JsonValue v) return v.ToString();
        if (node is not JsonObject o) return "";
        static string? Str(JsonNode? n) => n is JsonValue x && x.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
        var text = Str(o["item"]) ?? Str(o["commitment"]) ?? Str(o["follow_up"]) ?? Str(o["signal"]) ?? Str(o["quote"]) ?? Str(o["name"]) ?? o.ToJsonString();
        var who = Str(o["owner"]) ?? Str(o["speaker"]) ?? Str(o["said_by"]);
        var extra = new[] { Str(o["type"]), Str(o["severity"]), who, Str(o["due"]) is { } d ? "due " + d : null }.Where(x => x is not null);
        var tail = string.Join(" · ", extra);
        return tail.Length == 0 ? text : $"{text} ({tail})";
    }

    private static string? S(Npgsql.NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static JsonArray Arr(string json) => JsonNode.Parse(json) as JsonArray ?? [];
}
