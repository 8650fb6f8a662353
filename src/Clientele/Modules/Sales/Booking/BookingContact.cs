using System.Globalization;
using System.Text.Json;
using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Engine;
using Clientele.Platform.Database;

namespace Clientele.Modules.Sales.Booking;

/// <summary>
/// Who the demo is for: what the customer said about themselves (their last 50 messages), else the
/// latest extraction, else the customer record (a phone-only contact's .invalid placeholder is no
/// email). <see cref="EmailInMessage"/> is an address in the message being answered.
/// </summary>
public sealed record BookingContact(string? Name, string? Email, string? Company, string? EmailInMessage)
{
    public string? FirstName => string.IsNullOrWhiteSpace(Name) ? null : Name.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];

    public static async Task<BookingContact> LoadAsync(TenantSession s, Guid conversationId, string customerText, string? profileName,
        IMessageAnalyzer analyzer, DateTimeOffset now, CancellationToken ct)
    {
        await using var r = await s.ReaderAsync("""
            SELECT cu.name, cu.email, e.name, e.email, e.company,
                   (SELECT coalesce(json_agg(json_build_array(x.content, x."timestamp") ORDER BY x.sequence_no), '[]')::text FROM (
                      SELECT m.content, m."timestamp", m.sequence_no FROM messages m
                      WHERE m.organization_id = c.organization_id AND m.conversation_id = c.id AND m.role = 'user' AND m.deleted_at IS NULL
                      ORDER BY m.sequence_no DESC LIMIT 50) x)
            FROM conversations c
            LEFT JOIN customers cu ON cu.organization_id = c.organization_id AND cu.id = c.customer_id
            LEFT JOIN extractions e ON e.organization_id = c.organization_id AND e.conversation_id = c.id AND e.is_latest
            WHERE c.organization_id = $1 AND c.id = $2
            """,
            [s.OrganizationId, conversationId], ct);
        if (!await r.ReadAsync(ct)) return new BookingContact(profileName, null, null, null);
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        var analyses = JsonDocument.Parse(r.GetString(5)).RootElement.EnumerateArray()
            .Select(x => analyzer.Analyze(x[0].GetString() ?? "", DateTimeOffset.Parse(x[1].GetString()!, CultureInfo.InvariantCulture))).ToList();
        var said = ConversationAnalysis.Merge(analyses).Entities;
        var profile = Text(0) ?? profileName;
        var customerEmail = Text(1) is { } ce && !ce.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase) ? ce : null;
        // "Maria" said in chat, "Maria Lopez" on the profile: the fuller name is the same person.
        var name = said.Name is { } n && profile is not null && profile.StartsWith(n + " ", StringComparison.OrdinalIgnoreCase) ? profile
            : said.Name ?? Text(2) ?? profile;
        var inMessage = analyzer.Analyze(customerText, now).Entities.Email;
        return new BookingContact(name, inMessage ?? said.Email ?? Text(3) ?? customerEmail, said.Company ?? Text(4), inMessage);
    }
}
