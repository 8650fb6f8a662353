using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;

namespace Clientele.Modules.Sales.Leads;

/// <summary>
/// POST /api/v1/leads with dedupe by email within the organization (case-insensitive, live leads):
/// a second lead with the same email is refused with a 409 that links the first
/// (?on_duplicate=refuse, the default), or merged into it (?on_duplicate=merge: the fields the
/// existing lead lacks are filled from the body, the ones it has are kept; 200 with the existing
/// lead). A lead without an email is never a duplicate. Two requests at once with the same email
/// are serialised by a transaction lock on (organization, email), so the check cannot race.
/// </summary>
public static class LeadIntake
{
    public sealed record Outcome(ResourceResult Row, bool Merged);

    public static async Task<Outcome> CreateAsync(TenantSession s, ResourceStore store, BodyBinder binder, ResourceDefinition def, JsonElement body, string mode, CancellationToken ct)
    {
        binder.Bind(def, body, create: true); // the whole body is judged as a new lead first: a merge never hides a bad field
        var email = body.TryGetProperty("email", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()!.Trim() : null;
        if (!string.IsNullOrEmpty(email))
        {
            await s.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('lead-email:' || $1::text || ':' || lower($2), 0))", [s.OrganizationId, email], ct);
            var existing = await s.QueryFirstAsync<string?>("""
                SELECT (to_jsonb(l) - 'organization_id')::text FROM leads l
                WHERE id IN (SELECT clientele_ids_by_email('leads', $2)) AND organization_id = $1 AND deleted_at IS NULL ORDER BY created_at, id LIMIT 1
                """, [s.OrganizationId, email], r => r.GetString(0), ct);
            if (existing is not null)
            {
                var first = JsonNode.Parse(existing)!.AsObject();
                var id = Guid.Parse(first["id"]!.GetValue<string>());
                if (mode != "merge")
                    throw new ProblemException(409, "Duplicate lead", $"A lead with the email {email} already exists: /api/v1/leads/{id}. Send ?on_duplicate=merge to merge into it.",
                        new Dictionary<string, string[]> { ["email"] = [$"is already the email of lead {id}"] })
                    { Extensions = new Dictionary<string, object?> { ["existing_id"] = id.ToString(), ["existing_url"] = $"/api/v1/leads/{id}" } };
                var row = await store.UpdateAsync(s, def, id, FillGaps(first, body), null, ct);
                return new Outcome(row, true);
            }
        }
        return new Outcome(await store.CreateAsync(s, def, body, ct), false);
    }

    /// <summary>The body's fields that the existing lead has no value for; extra_metadata keys are added, not replaced.</summary>
    internal static JsonElement FillGaps(JsonObject existing, JsonElement body)
    {
        var merged = new JsonObject();
        foreach (var p in body.EnumerateObject())
        {
            var have = existing[p.Name];
            if (p.Name == "extra_metadata" && p.Value.ValueKind == JsonValueKind.Object)
            {
                var meta = have as JsonObject is { } h ? h.DeepClone().AsObject() : new JsonObject();
                foreach (var m in p.Value.EnumerateObject())
                    if (!meta.ContainsKey(m.Name)) meta[m.Name] = JsonNode.Parse(m.Value.GetRawText());
                merged["extra_metadata"] = meta;
            }
            else if (have is null || have is JsonValue v && v.TryGetValue<string>(out var text) && text.Length == 0)
                merged[p.Name] = JsonNode.Parse(p.Value.GetRawText());
            else if (!existing.ContainsKey(p.Name))
                merged[p.Name] = JsonNode.Parse(p.Value.GetRawText()); // unknown field: the binder names it in its 422
        }
        return JsonSerializer.SerializeToElement(merged);
    }
}
