using System.Text.Json.Nodes;
using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Engine;
using Clientele.Modules.Agents.Gateway;
using Clientele.Modules.Notifications;
using Clientele.Platform.Database;
using Microsoft.Extensions.Logging;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>What one extraction wrote.</summary>
public sealed record ExtractionOutcome(Guid ExtractionId, Guid? LeadId, LeadReading Reading, string Notification, bool NotifiedHot);

/// <summary>
/// Lead extraction (docs/ai.md, "Lead extraction and booking"): reads the conversation, asks the
/// model through the gateway (lead.extraction / extract, logged in llm_usage_logs), scores it,
/// and in the caller's transaction writes the new latest extraction, upserts the conversation's
/// lead and tells the owners when the lead turns Hot. The caller has loaded the snapshot, which
/// holds the conversation's row lock until the transaction ends.
/// </summary>
public sealed class LeadExtractor(IMessageAnalyzer analyzer, IAiGateway gateway, ILogger<LeadExtractor> logger)
{
    public const string Manual = "manual", Messages = "messages", Inactivity = "inactivity", Booking = "booking";

    public async Task<ExtractionOutcome> ExtractAsync(TenantSession s, ConversationSnapshot c, string trigger, CancellationToken ct)
    {
        var quotes = CustomerQuotes.Of(c.CustomerLines, analyzer);
        var merged = ConversationAnalysis.Merge(c.CustomerLines.Select(l => analyzer.Analyze(l.Text, l.At)).ToList());
        var rules = LeadScoring.Score(c, quotes, merged);

        LeadReading reading;
        string? model = null;
        try
        {
            var call = await gateway.CompleteAsync(s, ExtractionPrompt.Call(c), ct);
            model = call.Model;
            reading = ExtractionAnswer.Merge(rules, call.Text, c);
        }
        catch (AiProviderException e)
        {
            // The gateway logged the failed call; the rules still qualify the lead.
            logger.LogWarning(e, "lead extraction model call failed for conversation {Conversation}; scored by the rules", c.ConversationId);
            reading = rules with { Method = "rules", FilledByRules = ["everything: the model call failed"] };
        }

        var reasoning = ExtractionReasoning.Build(reading, trigger, model, c.CustomerMessageCount, c.DemoAt);
        var phone = c.Channel == "whatsapp" && c.CustomerPhone.Length > 0 ? "+" + c.CustomerPhone.TrimStart('+') : reading.Phone;
        var notification = SmartNotification.For(reading, phone, c.DemoAt, c.DemoTimeZone);
        var extractionId = await ExtractionWriter.WriteAsync(s, c, reading, reasoning, notification, c.DemoAt, ct);
        var leadId = await LeadRecords.UpsertAsync(s, c, reading, extractionId, ct);

        // Once per change into Hot: a conversation that stays Hot does not notify again.
        var notify = reading.Tag == "Hot" && c.Latest?.Tag != "Hot";
        if (notify)
            await NotificationDispatcher.NotifyAdminsAsync(s, "success", "lead_hot", $"Hot lead: {Who(reading, phone)}", notification, new JsonObject
            {
                ["conversation_id"] = c.ConversationId.ToString(), ["extraction_id"] = extractionId.ToString(),
                ["lead_id"] = leadId?.ToString(), ["total_score"] = reading.TotalScore, ["channel"] = c.Channel,
            }, TimeSpan.Zero, ct, link: leadId is { } lead ? $"/app/leads/{lead}" : $"/app/inbox/{c.ConversationId}");
        return new ExtractionOutcome(extractionId, leadId, reading, notification, notify);
    }

    private static string Who(LeadReading r, string? phone)
    {
        var who = r.Name ?? phone ?? "a visitor";
        return r.Company is { } company ? $"{who} ({company})" : who;
    }
}
