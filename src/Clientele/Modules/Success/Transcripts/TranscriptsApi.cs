using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Success.Health;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Events;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Success.Transcripts;

/// <summary>
/// Transcripts (issue 11 item 8): POST /api/v1/meetings/{id}/transcript takes the transcript as
/// JSON (content, optional format vtt/srt/text and language) or as a multipart file, stores it
/// (replacing the meeting's earlier transcript and analysis), analyses it (TranscriptModel: the
/// configured model, else or on failure the built-in analyzer) and, when the meeting has a customer, recomputes that customer's health at once: a
/// competitor mentioned opens the competitor_mention risk signal, expansion signals feed expansion
/// detection (cause meeting_signal).
/// </summary>
public static class TranscriptsApi
{
    public const long DefaultMaxBytes = 2 * 1024 * 1024;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGroup("").WithTags("Success").MapPost("/meetings/{id}/transcript", Create).WithName("AnalyzeMeetingTranscript").DisableAntiforgery()
            .WithSummary("The meeting's transcript (JSON {content, format: vtt|srt|text, language} or multipart file): stored and analysed (summary, sentiment, action items, commitments, follow-ups, risk and expansion signals, stakeholders, competitors); 201 with transcript and analysis");
    }

    private sealed record Body(string? Content, string? Format, string? Language);

    private static async Task<IResult> Create(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store,
        TranscriptModel model, IConfiguration config)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        if (!Guid.TryParse(id, out var meeting)) throw ProblemException.NotFound($"No meeting with id {id}.");
        var ct = ctx.RequestAborted;
        var max = config.GetValue<long?>("Success:TranscriptMaxBytes") ?? DefaultMaxBytes;
        var (content, format, language) = await ReadAsync(ctx, max, ct);

        await using var s = sessions.Open(tenant);
        var stored = await StoreAsync(s, model, meeting, content, format, language, DateTime.UtcNow, ct);
        var transcript = await store.GetAsync(s, registry.Find("transcripts")!, stored.Transcript, [], false, ct);
        var analysis = await store.GetAsync(s, registry.Find("meeting_analyses")!, stored.Analysis, [], false, ct);
        await s.CommitAsync(ct);
        var body = new JsonObject { ["transcript"] = JsonNode.Parse(transcript.Json), ["analysis"] = JsonNode.Parse(analysis.Json) };
        return new JsonBytesResult(JsonSerializer.SerializeToUtf8Bytes(body), 201, null, $"/api/v1/meeting_analyses/{stored.Analysis}");
    }

    private static async Task<(string Content, string Format, string? Language)> ReadAsync(HttpContext ctx, long max, CancellationToken ct)
    {
        if (ctx.Request.ContentLength > max + 4096) throw ProblemException.Validation("content", $"must be at most {max} bytes");
        if (ctx.Request.HasFormContentType)
        {
            var form = await ctx.Request.ReadFormAsync(ct);
            var file = form.Files.GetFile("file") ?? throw ProblemException.Validation("file", "is required: a .vtt, .srt or .txt transcript");
            if (file.Length == 0) throw ProblemException.Validation("file", "is empty");
            if (file.Length > max) throw ProblemException.Validation("file", $"must be at most {max} bytes ({file.Length} sent)");
            using var ms = new MemoryStream();
            await file.CopyToAsync(ms, ct);
            string text;
            try { text = new UTF8Encoding(false, true).GetString(ms.ToArray()); }
            catch (DecoderFallbackException) { throw ProblemException.Validation("file", "must be UTF-8 text (VTT, SRT or plain text)"); }
            var hint = form["format"].ToString() is { Length: > 0 } f ? f : Path.GetExtension(file.FileName ?? "").TrimStart('.');
            return (text, Format(text, hint, "file"), form["language"].ToString() is { Length: > 0 } l ? l : null);
        }
        var body = await JsonBody.ReadAsync<Body>(ctx);
        if (string.IsNullOrWhiteSpace(body.Content)) throw ProblemException.Validation("content", "is required: the transcript as plain text, WebVTT or SRT");
        if (Encoding.UTF8.GetByteCount(body.Content) > max) throw ProblemException.Validation("content", $"must be at most {max} bytes");
        return (body.Content, Format(body.Content, body.Format, "format"), body.Language);
    }

    internal static string Format(string content, string? hint, string field)
    {
        if (content.Contains('\0')) throw ProblemException.Validation(field == "file" ? "file" : "content", "must be text");
        var format = TranscriptParser.Detect(content, hint is "txt" or "" ? (hint == "txt" ? "text" : null) : hint);
        return format.Length > 0 ? format : throw ProblemException.Validation(field, "must be vtt, srt or text");
    }

    public sealed record Stored(Guid Transcript, Guid Analysis, Guid? Customer);

    /// <summary>Parses, analyses and writes in the caller's session (its own transaction); recomputes the customer's health.</summary>
    public static async Task<Stored> StoreAsync(TenantSession s, TranscriptModel model, Guid meeting, string content, string format, string? language, DateTime now, CancellationToken ct)
    {
        var parsed = TranscriptParser.Parse(content, format);
        if (parsed.Utterances.Count == 0)
            throw ProblemException.Validation("content", format == TranscriptParser.Text ? "has no words" : $"has no {format.ToUpperInvariant()} cues (a timing line such as 00:00:01.000 --> 00:00:04.000 followed by text)");
        var org = s.OrganizationId;
        await s.BeginAsync(ct);
        var m = await s.QueryFirstAsync("SELECT customer_id, scheduled_at FROM meetings WHERE organization_id = $1 AND id = $2 FOR UPDATE", [org, meeting],
            r => (Found: true, Customer: r.IsDBNull(0) ? (Guid?)null : r.GetGuid(0), At: r.GetDateTime(1)), ct);
        if (!m.Found) throw ProblemException.NotFound($"No meeting with id {meeting}.");
        var read = await model.ReadAsync(s, parsed, new DateTimeOffset(DateTime.SpecifyKind(m.At, DateTimeKind.Utc)), ct);
        var reading = read.Reading;
        if (m.Customer is { } customer) await MatchContactsAsync(s, customer, reading.StakeholderInsights, ct);

        // A new transcript of the same meeting replaces the earlier one and its analysis.
        await s.ExecuteAsync("DELETE FROM meeting_analyses WHERE organization_id = $1 AND meeting_id = $2", [org, meeting], ct);
        await s.ExecuteAsync("DELETE FROM transcripts WHERE organization_id = $1 AND meeting_id = $2", [org, meeting], ct);
        var transcriptId = Guid.CreateVersion7();
        var speakers = new JsonArray(parsed.Utterances.Where(u => u.Speaker is not null).GroupBy(u => u.Speaker!, StringComparer.OrdinalIgnoreCase)
            .Select(g => (JsonNode)new JsonObject { ["name"] = g.Key, ["utterances"] = g.Count(), ["words"] = g.Sum(u => TranscriptParser.Words(u.Text)) }).ToArray());
        await s.ExecuteAsync("""
            INSERT INTO transcripts (id, organization_id, meeting_id, content, duration, speakers, word_count, language, metadata)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, [transcriptId, org, meeting, content, SqlArg.Typed(parsed.Duration, NpgsqlTypes.NpgsqlDbType.Integer), speakers, parsed.WordCount,
                SqlArg.Text(language), new JsonObject
                {
                    ["format"] = format, ["utterances"] = parsed.Utterances.Count, ["analyzed_by"] = read.AnalyzedBy, ["fallback_reason"] = read.FallbackReason,
                }], ct);
        var analysisId = Guid.CreateVersion7();
        await s.ExecuteAsync("""
            INSERT INTO meeting_analyses (id, organization_id, meeting_id, customer_id, summary, overall_sentiment, sentiment_score, action_items, commitments, follow_ups,
                                          risk_signals, risk_level, expansion_signals, expansion_potential, stakeholder_insights, competitor_mentions, confidence, analyzed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
            """, [analysisId, org, meeting, SqlArg.Uuid(m.Customer), reading.Summary, reading.OverallSentiment, reading.SentimentScore, reading.ActionItems, reading.Commitments,
                reading.FollowUps, reading.RiskSignals, reading.RiskLevel, reading.ExpansionSignals, reading.ExpansionPotential, reading.StakeholderInsights,
                reading.CompetitorMentions, reading.Confidence, now], ct);
        await AuditWriter.WriteAsync(s, "transcripts", transcriptId, "create", new JsonObject { ["after"] = new JsonObject { ["meeting_id"] = meeting, ["format"] = format, ["word_count"] = parsed.WordCount } }, ct);
        await DomainEvents.PublishRowAsync(s, "transcripts", transcriptId, ct, null, "transcripts.created");
        await DomainEvents.PublishRowAsync(s, "meeting_analyses", analysisId, ct, null, "meeting_analyses.created", "meeting.analyzed");
        if (m.Customer is { } c) await HealthRecompute.RunAsync(s, [c], now, "event:meeting.analyzed", ct);
        return new Stored(transcriptId, analysisId, m.Customer);
    }

    /// <summary>A speaker whose name (or first name, when only one contact has it) is one of the customer's contacts gets the contact's id, title and role.</summary>
    private static async Task MatchContactsAsync(TenantSession s, Guid customer, JsonArray stakeholders, CancellationToken ct)
    {
        var contacts = await s.QueryAsync("SELECT id, coalesce(name, ''), title, is_primary FROM customer_contacts WHERE organization_id = $1 AND customer_id = $2 AND deleted_at IS NULL",
            [s.OrganizationId, customer], r => (Id: r.GetGuid(0), Name: r.GetString(1), Title: r.IsDBNull(2) ? null : r.GetString(2), Primary: r.GetBoolean(3)), ct);
        foreach (var node in stakeholders)
        {
            var name = node!["name"]!.GetValue<string>();
            var hit = contacts.Where(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (hit.Count == 0) hit = contacts.Where(c => string.Equals(c.Name.Split(' ')[0], name.Split(' ')[0], StringComparison.OrdinalIgnoreCase)).ToList();
            if (hit.Count != 1) continue;
            node["contact_id"] = hit[0].Id;
            node["title"] = hit[0].Title;
            node["is_primary"] = hit[0].Primary;
        }
    }
}
