using System.Text.Json.Nodes;

namespace Clientele.Platform.Events;

/// <summary>
/// The catalogue's named events derived from a row change, whichever path made it (generic API
/// or module code): customers.updated with health_score changed is also customer.updated and
/// customer.health_changed. docs/automation.md lists them; module code publishes the events no
/// row change can say (conversation.escalated by the orchestrator, message.received by the inbox).
/// </summary>
public static class NamedEvents
{
    public static IEnumerable<string> Derive(string table, string verb, JsonObject data, JsonObject? previous)
    {
        bool Changed(string field) => previous is not null && previous.ContainsKey(field);
        string? Now(string field) => data[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        bool BecameStatus(string field, string value) => Now(field) == value && (verb == "created" || Changed(field));

        switch (table)
        {
            case "customers":
                if (verb != "deleted") yield return "customer." + verb;
                if (verb == "updated" && Changed("health_score")) yield return "customer.health_changed";
                break;
            case "risk_signals" when verb == "created":
                yield return "risk_signal.created";
                break;
            case "conversations":
                if (verb == "created") yield return "conversation.created";
                if (verb != "deleted" && BecameStatus("status", "escalated")) yield return "conversation.escalated";
                if (verb == "updated" && BecameStatus("status", "resolved")) yield return "conversation.resolved";
                break;
            case "leads":
                if (verb == "created") yield return "lead.created";
                if (verb != "deleted" && data["extra_metadata"]?["lead_status_tag"]?.ToString() == "Hot"
                    && (verb == "created" || previous?["extra_metadata"]?["lead_status_tag"]?.ToString() != "Hot" && Changed("extra_metadata")))
                    yield return "lead.hot";
                break;
            case "deals" when verb == "updated" && Changed("stage"):
                yield return "deal.stage_changed";
                break;
            case "invoices" when verb != "deleted":
                if (BecameStatus("status", "open")) yield return "invoice.finalized";
                if (BecameStatus("status", "paid")) yield return "invoice.paid";
                break;
            case "payments" when verb != "deleted" && BecameStatus("status", "failed"):
                yield return "payment.failed";
                break;
            case "subscriptions":
                if (verb == "created") yield return "subscription.created";
                if (verb == "updated" && BecameStatus("status", "canceled")) yield return "subscription.canceled";
                break;
            case "approvals":
                if (verb == "created") yield return "approval.requested";
                if (verb == "updated" && Changed("status") && previous!["status"]?.ToString() == "pending") yield return "approval.decided";
                break;
            case "meetings" when verb == "created":
                yield return "meeting.booked";
                break;
        }
    }
}
