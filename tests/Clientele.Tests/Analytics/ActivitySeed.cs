using Clientele.Tests.Infrastructure;
using Npgsql;

namespace Clientele.Tests.Analytics;

/// <summary>
/// A month of random but reproducible activity written straight into the tables (owner
/// connection), kept in memory too so that a test computes the expected rollups by hand.
/// </summary>
public sealed class ActivitySeed
{
    public sealed record Conv(Guid Id, DateTime StartedUtc, string? Channel, string Status, Guid? AgentId, string? ResolvedBy, int? Csat, double? Sentiment,
        int? FirstResponse, int? Resolution, bool Deleted, List<Msg> Messages);
    public sealed record Msg(Guid Id, int Seq, string Role, string? AgentName, DateTime AtUtc, int? Tokens, string? Status, Guid? CreatedBy);
    public sealed record Event(Guid Id, string Type, Guid? CustomerId, string? Feature, Guid? UserId, DateTime AtUtc, string Properties);

    public const string Zone = "America/New_York";
    public static readonly string[] Names = ["triage", "billing"];
    public TimeZoneInfo Tz { get; } = TimeZoneInfo.FindSystemTimeZoneById(Zone);
    public List<Conv> Conversations { get; } = [];
    public List<Event> Events { get; } = [];
    public List<Guid> Customers { get; } = [];
    public Guid AgentId { get; } = Guid.CreateVersion7();
    public string AgentName { get; } = "Wanda WhatsApp";
    public DateOnly From { get; }
    public DateOnly To { get; }

    public ActivitySeed(DateOnly today)
    {
        From = today.AddDays(-31);
        To = today.AddDays(-2);
    }

    public DateOnly LocalDay(DateTime utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, Tz));
    public DateTime Utc(DateOnly day, double hours) => TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue).AddHours(hours), Tz);

    /// <summary>Generates the month (seeded Random: the same rows every run) and writes it for the organization.</summary>
    public async Task WriteAsync(AppFixture app, AppFixture.Tenant t, int seed = 14)
    {
        var rnd = new Random(seed);
        for (var i = 0; i < 3; i++) Customers.Add(await Infrastructure.Http.CreateCustomerAsync(t.Http));
        var days = To.DayNumber - From.DayNumber + 1;
        string?[] channels = ["whatsapp", "email", "web_chat", null];
        for (var i = 0; i < 70; i++)
        {
            var day = From.AddDays(rnd.Next(days));
            // Some start minutes before or after local midnight: the day is the organization's, not UTC's.
            var hours = i % 10 == 0 ? 23.9 : i % 10 == 1 ? 0.05 : rnd.NextDouble() * 24;
            var started = Utc(day, hours);
            var byAgent = i % 3 == 0;
            var status = rnd.Next(3) switch { 0 => "active", 1 => "resolved", _ => "escalated" };
            var msgs = new List<Msg>();
            var at = started;
            var count = rnd.Next(2, 6);
            for (var k = 1; k <= count; k++)
            {
                at = at.AddMinutes(rnd.Next(1, 40));
                var user = k % 2 == 1;
                var name = user ? null : byAgent ? AgentName : rnd.Next(4) == 0 ? "human" : Names[rnd.Next(2)];
                msgs.Add(new Msg(Guid.CreateVersion7(), k, user ? "user" : "assistant", name, at, user ? null : rnd.Next(10, 500),
                    user ? null : rnd.Next(8) == 0 ? "failed" : "sent", name == "human" ? t.UserId : null));
            }
            var named = msgs.Where(m => m.AgentName is "triage" or "billing").Select(m => m.AgentName).ToList();
            Conversations.Add(new Conv(Guid.CreateVersion7(), started, byAgent ? "whatsapp" : channels[rnd.Next(channels.Length)], status,
                byAgent ? AgentId : null, status == "resolved" && !byAgent && named.Count > 0 ? named[^1] : null,
                rnd.Next(3) == 0 ? null : rnd.Next(1, 6), rnd.Next(3) == 0 ? null : Math.Round(rnd.NextDouble() * 2 - 1, 2),
                rnd.Next(4) == 0 ? null : rnd.Next(5, 600), status == "resolved" ? rnd.Next(60, 7200) : null, i == 7, i == 7 ? [] : msgs));
        }
        for (var i = 0; i < 120; i++)
        {
            var customer = i % 6 == 5 ? (Guid?)null : Customers[rnd.Next(Customers.Count)];
            var feature = i % 4 == 0 ? null : rnd.Next(2) == 0 ? "inbox" : "reports";
            var props = customer is null ? "{\"page\": \"home\"}"
                : feature is null ? $"{{\"customer_id\": \"{customer}\"}}" : $"{{\"customer_id\": \"{customer}\", \"feature\": \"{feature}\"}}";
            Events.Add(new Event(Guid.CreateVersion7(), i % 4 == 0 ? "export_clicked" : "feature_used", customer, feature ?? (customer is null ? null : "export_clicked"),
                i % 5 == 0 ? t.UserId : null, Utc(From.AddDays(rnd.Next(days)), i % 10 == 0 ? 23.95 : rnd.NextDouble() * 24), props));
        }
        // An event naming something that is not a customer counts for nobody.
        Events.Add(new Event(Guid.CreateVersion7(), "feature_used", null, null, null, Utc(From, 12), "{\"customer_id\": \"nope\", \"feature\": \"inbox\"}"));

        await using var conn = await app.OwnerAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await Exec(conn, $"UPDATE organizations SET settings = settings || '{{\"timezone\": \"{Zone}\"}}' WHERE id = $1", t.OrganizationId);
        var phone = Guid.CreateVersion7();
        await Exec(conn, "INSERT INTO phone_numbers (id, organization_id, platform, meta_phone_number_id, access_token) VALUES ($1, $2, 'whatsapp', $3, 'x')",
            phone, t.OrganizationId, "meta-" + phone.ToString("N"));
        await Exec(conn, "INSERT INTO agents (id, organization_id, phone_number_id, prompt_id, name) VALUES ($1, $2, $3, 'p', $4)", AgentId, t.OrganizationId, phone, AgentName);
        var n = 0;
        foreach (var c in Conversations)
        {
            await Exec(conn, """
                INSERT INTO conversations (id, organization_id, customer_id, agent_id, customer_phone, status, channel, resolved_by_agent, csat_score, sentiment_avg,
                                           first_response_time_seconds, resolution_time_seconds, started_at, is_active, deleted_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, false, $14)
                """, c.Id, t.OrganizationId, Customers[n % Customers.Count], c.AgentId, c.AgentId is null ? null : $"+1555{n:D6}", c.Status, c.Channel, c.ResolvedBy,
                c.Csat, c.Sentiment, c.FirstResponse, c.Resolution, c.StartedUtc, c.Deleted ? c.StartedUtc : null);
            foreach (var m in c.Messages)
                await Exec(conn, """
                    INSERT INTO messages (id, organization_id, conversation_id, sequence_no, role, content, agent_name, tokens_used, "timestamp", status, created_by)
                    VALUES ($1, $2, $3, $4, $5, 'text', $6, $7, $8, $9, $10)
                    """, m.Id, t.OrganizationId, c.Id, m.Seq, m.Role, m.AgentName, m.Tokens, m.AtUtc, m.Status, m.CreatedBy);
            n++;
        }
        foreach (var e in Events)
            await Exec(conn, "INSERT INTO analytics_events (id, organization_id, event_type, properties, user_id, created_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6)",
                e.Id, t.OrganizationId, e.Type, e.Properties, e.UserId, e.AtUtc);
        await tx.CommitAsync();
    }

    public static async Task Exec(NpgsqlConnection conn, string sql, params object?[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(a is null ? new NpgsqlParameter { Value = DBNull.Value } : new NpgsqlParameter { Value = a });
        await cmd.ExecuteNonQueryAsync();
    }
}
