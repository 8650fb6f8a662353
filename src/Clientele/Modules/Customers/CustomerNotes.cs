using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;

namespace Clientele.Modules.Customers;

/// <summary>Adding a note to a customer from the console: validated, written through the resource store (audited).</summary>
public static class CustomerNotes
{
    public const int MaxLength = 10_000;
    public static readonly IReadOnlyList<string> Types = ["general", "support", "sales", "success", "technical", "task"];

    public static async Task<Guid> AddAsync(TenantSession s, ResourceRegistry registry, ResourceStore store, Guid customerId, string? noteType, string? content,
        CancellationToken ct)
    {
        if (!s.Tenant.CanWrite) throw ProblemException.Forbidden("The viewer role cannot add notes.");
        var errors = new FieldErrors();
        var text = content?.Trim();
        if (string.IsNullOrEmpty(text)) errors.Add("content", "is required: write the note");
        else if (text.Length > MaxLength) errors.Add("content", $"must be at most {MaxLength} characters");
        var type = string.IsNullOrWhiteSpace(noteType) ? "general" : noteType.Trim();
        if (!Types.Contains(type)) errors.Add("note_type", "must be one of " + string.Join(", ", Types));
        errors.ThrowIfAny();
        var body = new JsonObject
        {
            ["customer_id"] = customerId.ToString(), ["note_type"] = type, ["content"] = text, ["author_id"] = s.Tenant.UserId?.ToString(),
        };
        using var doc = JsonDocument.Parse(body.ToJsonString());
        var created = await store.CreateAsync(s, registry.Find("customer_notes")!, doc.RootElement, ct);
        return created.Id!.Value;
    }
}
