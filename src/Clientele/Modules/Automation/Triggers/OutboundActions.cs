using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Modules.Automation.Webhooks;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Automation.Triggers;

/// <summary>
/// The actions that reach outside the tenant's rows: send_email (queued for the SMTP relay, see
/// <see cref="AutomationEmailJob"/>), call_webhook (a signed delivery to one of the tenant's
/// webhook endpoints, retried like every delivery) and create_activity (a sales activity on the
/// event's deal or lead). Queued in the caller's transaction, so a rolled-back firing sends nothing.
/// </summary>
public static partial class OutboundActions
{
    private static readonly string[] ListFields = ["health_score", "mrr", "arr"];
    private static readonly Dictionary<string, string> ListOps = new() { ["lt"] = "<", ["lte"] = "<=", ["gt"] = ">", ["gte"] = ">=", ["eq"] = "=" };
    private static readonly string[] ActivityTypes = ["call", "email", "meeting", "demo", "proposal", "follow_up"];

    /// <summary>Validates one of these actions; false when the type is not one of them.</summary>
    public static bool Validate(string type, JsonObject a, string at, FieldErrors errors)
    {
        string? Text(string key) => a[key] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;
        switch (type)
        {
            case "send_email":
                var to = a["to"] is JsonArray list ? list.Select(x => x is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).ToList()
                    : [Text("to")];
                if (to.Count == 0 || to.Any(x => x is null || !(x is "customer" or "owner" || EmailAddress().IsMatch(x))))
                    errors.Add($"{at}.to", "must be \"customer\", \"owner\" or email addresses (one or a list)");
                if (Text("subject") is not { Length: <= 255 }) errors.Add($"{at}.subject", "is required (at most 255 characters)");
                if (Text("body") is not { Length: <= 20000 }) errors.Add($"{at}.body", "is required (at most 20000 characters)");
                if (a.ContainsKey("customer_list") && (a["customer_list"] is not JsonObject cl || !ListFields.Contains(cl["field"]?.ToString())
                    || !ListOps.ContainsKey(cl["op"]?.ToString() ?? "") || cl["value"] is not JsonValue lv || lv.GetValueKind() != System.Text.Json.JsonValueKind.Number))
                    errors.Add($"{at}.customer_list", $"must be {{field: {string.Join("|", ListFields)}, op: {string.Join("|", ListOps.Keys)}, value: number}}");
                return true;
            case "call_webhook":
                if (!Guid.TryParse(Text("endpoint_id"), out _)) errors.Add($"{at}.endpoint_id", "must be the id of one of your webhook_endpoints");
                return true;
            case "create_activity":
                if (Text("activity_type") is not { } t || !ActivityTypes.Contains(t)) errors.Add($"{at}.activity_type", $"must be one of {string.Join(", ", ActivityTypes)}");
                if (Text("subject") is not { Length: <= 255 }) errors.Add($"{at}.subject", "is required (at most 255 characters)");
                return true;
            default:
                return false;
        }
    }

    /// <summary>Runs one of these actions into outcome; false when the type is not one of them.</summary>
    public static async Task<bool> RunAsync(TenantSession s, string type, JsonObject action, ActionTarget t, IServiceProvider services, JsonObject outcome, CancellationToken ct)
    {
        switch (type)
        {
            case "send_email":
                var customer = t.CustomerId is { } cid ? await CustomerAsync(s, cid, ct) : null;
                var recipients = new List<string>();
                foreach (var to in action["to"] is JsonArray list ? list.Select(x => x!.ToString()) : [action["to"]!.ToString()])
                {
                    var address = to switch
                    {
                        "customer" => customer?["email"]?.ToString(),
                        "owner" => t.OwnerUserId is { } owner ? await ScalarAsync(s, "SELECT email FROM users WHERE organization_id = $1 AND id = $2", owner, ct) : null,
                        _ => to,
                    };
                    if (!string.IsNullOrWhiteSpace(address)) recipients.Add(address);
                }
                if (recipients.Count == 0) throw new InvalidOperationException("no recipient: the customer has no email, or no owner");
                var body = Fill(action["body"]!.ToString(), customer, t);
                if (action["customer_list"] is JsonObject filter) body += await CustomerListAsync(s, filter, outcome, ct);
                var email = new AutomationEmail([.. recipients.Distinct()], Fill(action["subject"]!.ToString(), customer, t), body, t.Source, t.TriggerId);
                outcome["outbox_id"] = await services.GetRequiredService<Outbox>().EnqueueAsync(s, AutomationEmailJob.TopicName, email, ct);
                outcome["to"] = new JsonArray(email.To.Select(x => (JsonNode)x).ToArray());
                outcome["subject"] = email.Subject;
                return true;
            case "call_webhook":
                var endpoint = Guid.Parse(action["endpoint_id"]!.ToString());
                if (await ScalarAsync(s, "SELECT id::text FROM webhook_endpoints WHERE organization_id = $1 AND id = $2 AND enabled", endpoint, ct) is null)
                    throw new InvalidOperationException($"webhook endpoint {endpoint} does not exist or is disabled");
                var delivery = Guid.CreateVersion7();
                var payload = new JsonObject
                {
                    ["id"] = t.EventId, ["type"] = t.EventType, ["created_at"] = DateTime.UtcNow.ToString("O"), ["customer_id"] = t.CustomerId,
                    ["source"] = new JsonObject { ["kind"] = t.Source, ["id"] = t.TriggerId, ["name"] = t.TriggerName },
                    ["event"] = t.Event.DeepClone(), ["data"] = action["data"]?.DeepClone(),
                };
                await using (var ins = await s.CommandAsync("""
                    INSERT INTO webhook_deliveries (id, organization_id, endpoint_id, event_id, event_type, payload, next_attempt_at)
                    VALUES ($1, $2, $3, $4, $5, $6, now())
                    ON CONFLICT (organization_id, endpoint_id, event_id) WHERE replay_of IS NULL DO NOTHING
                    """, ct))
                {
                    ins.Parameters.AddWithValue(delivery);
                    ins.Parameters.AddWithValue(s.OrganizationId);
                    ins.Parameters.AddWithValue(endpoint);
                    ins.Parameters.AddWithValue(t.EventId);
                    ins.Parameters.AddWithValue(t.EventType.Length <= 100 ? t.EventType : t.EventType[..100]);
                    ins.Parameters.AddWithValue(payload.ToJsonString());
                    if (await ins.ExecuteNonQueryAsync(ct) == 0) { outcome["already_delivered"] = true; return true; }
                }
                await WebhookFanout.EnqueueAsync(services.GetRequiredService<Outbox>(), s, delivery, ct);
                outcome["delivery_id"] = delivery;
                return true;
            case "create_activity":
                var resourceType = t.Event["resource_type"]?.ToString();
                var resourceId = IdOf(t.Event["resource_id"]);
                var (deal, lead) = resourceType switch
                {
                    "deals" => (resourceId, (Guid?)null),
                    "leads" => ((Guid?)null, resourceId),
                    _ => throw new InvalidOperationException("the event concerns no deal or lead"),
                };
                var activity = Guid.CreateVersion7();
                await TriggerActions.ExecAsync(s, """
                    INSERT INTO sales_activities (id, organization_id, deal_id, lead_id, activity_type, subject, description, scheduled_at, performed_by, extra_metadata)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(days => $8), $9, $10)
                    """, ct, activity, s.OrganizationId, Nullable(deal), Nullable(lead), action["activity_type"]!.ToString(), action["subject"]!.ToString(),
                    (object?)action["description"]?.ToString() ?? DBNull.Value, action["due_in_days"]?.GetValue<int>() ?? 1, Nullable(t.OwnerUserId),
                    TriggerActions.Json(new JsonObject { [$"{t.Source}_id"] = t.TriggerId, ["event_id"] = t.EventId }));
                outcome["activity_id"] = activity;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The customers matching {field, op, value} (fields and operators from a fixed list), as lines for an email body.</summary>
    private static async Task<string> CustomerListAsync(TenantSession s, JsonObject filter, JsonObject outcome, CancellationToken ct)
    {
        var field = filter["field"]!.ToString();
        await using var cmd = await s.CommandAsync($"""
            SELECT name, coalesce(email, ''), {field}::text FROM customers
            WHERE organization_id = $1 AND deleted_at IS NULL AND {field} {ListOps[filter["op"]!.ToString()]} $2 ORDER BY {field}, name LIMIT 200
            """, ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(decimal.Parse(filter["value"]!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture));
        var lines = new System.Text.StringBuilder();
        var n = 0;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) { n++; lines.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n- {r.GetString(0)} <{r.GetString(1)}>: {field} {r.GetString(2)}"); }
        outcome["customers_listed"] = n;
        return n == 0 ? "\n(none)" : lines.ToString();
    }

    /// <summary>A uuid held as a Guid value or as its text (JsonNode.ToString() of a Guid value is not the bare uuid).</summary>
    public static Guid? IdOf(JsonNode? n) =>
        n is JsonValue v && (v.TryGetValue<Guid>(out var g) || (v.TryGetValue<string>(out var text) && Guid.TryParse(text, out g))) ? g : null;

    private static NpgsqlParameter Nullable(Guid? id) => new() { Value = (object?)id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid };

    private static async Task<string?> ScalarAsync(TenantSession s, string sql, Guid id, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync(sql, ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(id);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    private static async Task<JsonObject?> CustomerAsync(TenantSession s, Guid id, CancellationToken ct) =>
        await ScalarAsync(s, "SELECT (to_jsonb(c) - 'organization_id')::text FROM customers c WHERE c.organization_id = $1 AND c.id = $2", id, ct) is { } json
            ? JsonNode.Parse(json) as JsonObject : null;

    /// <summary>{{customer.name}}-style placeholders from the customer row, plus {{event.type}} and {{source.name}}.</summary>
    public static string Fill(string template, JsonObject? customer, ActionTarget t) => Placeholder().Replace(template, m =>
        m.Groups[1].Value switch
        {
            "customer" => customer?[m.Groups[2].Value]?.ToString() ?? "",
            "event" when m.Groups[2].Value == "type" => t.EventType,
            "source" when m.Groups[2].Value == "name" => t.TriggerName,
            _ => m.Value,
        });

    [GeneratedRegex(@"\{\{\s*(customer|event|source)\.([a-z_]+)\s*\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailAddress();
}
