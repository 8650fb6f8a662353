using System.Globalization;
using System.Text.Json;
using Clientele.Modules.Customers;
using Npgsql;

namespace Clientele.Platform.WebConsole.Pages;

/// <summary>/app: today's numbers for the signed-in user's role and two charts, all counted from the rows.</summary>
public sealed class HomeModel : ConsolePage
{
    public sealed record Tile(string Label, long Value, string Href, string Hint);

    public List<Tile> Tiles { get; } = [];
    public string ChannelChart { get; private set; } = "{}";
    public string RepliesChart { get; private set; } = "{}";
    public List<(string Day, long Ai, long Human)> Replies { get; } = [];
    public List<(string Channel, long Count)> ChannelTotals { get; } = [];
    public bool NoConversations { get; private set; }

    private static readonly string AtRisk = $"health_score < {CustomersModule.AtRiskHealthBelow} AND churn_risk > {CustomersModule.AtRiskChurnAbove.ToString(CultureInfo.InvariantCulture)}";

    public async Task OnGetAsync()
    {
        await using var s = OpenSession();
        var org = new NpgsqlParameter { Value = Tenant.OrganizationId };
        var me = new NpgsqlParameter { Value = (object?)Tenant.UserId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid };
        await s.BeginAsync(Aborted);
        await using (var r = await s.ReadAsync($"""
            SELECT o.open, o.mine, o.unassigned, o.escalated,
              -- Hot leads among the open conversations (what /app/inbox?lead=hot lists); a per-row probe of the conversation,
              -- which the planner would otherwise answer by hashing every conversation of the organization.
              (SELECT count(*) FROM extractions e WHERE e.organization_id = $1 AND e.is_latest AND e.lead_status_tag = 'Hot'
                 AND (SELECT c.is_active AND c.deleted_at IS NULL FROM conversations c WHERE c.organization_id = e.organization_id AND c.id = e.conversation_id)),
              (SELECT count(*) FROM approvals WHERE organization_id = $1 AND status = 'pending'),
              (SELECT count(*) FROM customers WHERE organization_id = $1 AND deleted_at IS NULL AND {AtRisk})
            FROM (SELECT count(*) AS open, count(*) FILTER (WHERE assigned_to = $2) AS mine, count(*) FILTER (WHERE assigned_to IS NULL) AS unassigned,
                         count(*) FILTER (WHERE status = 'escalated') AS escalated
                  FROM conversations WHERE organization_id = $1 AND deleted_at IS NULL AND is_active) o
            """, [org, me], Aborted))
        {
            await r.ReadAsync(Aborted);
            var open = r.GetInt64(0); var mine = r.GetInt64(1); var unassigned = r.GetInt64(2); var escalated = r.GetInt64(3);
            var hot = r.GetInt64(4); var pending = r.GetInt64(5); var atRisk = r.GetInt64(6);
            var mineTile = new Tile("Assigned to me", mine, "/app/inbox?filter=mine", "open conversations you handle");
            if (Tenant.Role == Database.Roles.Member) Tiles.Add(mineTile);
            Tiles.Add(new("Open conversations", open, "/app/inbox?filter=all", "active on every channel"));
            Tiles.Add(new("Unassigned", unassigned, "/app/inbox?filter=unassigned", "open, nobody took them yet"));
            Tiles.Add(new("Escalated", escalated, "/app/inbox?filter=escalated", "the AI handed these to a person"));
            if (Tenant.Role != Database.Roles.Member) Tiles.Add(mineTile);
            Tiles.Add(new("Hot leads", hot, "/app/inbox?lead=hot", "open conversations scored Hot"));
            Tiles.Add(new("Pending approvals", pending, "/app/approvals", "AI proposals waiting for a decision"));
            Tiles.Add(new("At-risk customers", atRisk, "/app/customers?at_risk=true", $"health below {CustomersModule.AtRiskHealthBelow}, churn risk above {CustomersModule.AtRiskChurnAbove:0.##}"));
        }

        var days = Enumerable.Range(0, 30).Select(i => DateTime.UtcNow.Date.AddDays(i - 29)).ToList();
        // A timestamptz bound, not `now()::date - 29`: timestamptz >= date is not leakproof, so under RLS it cannot be an index condition.
        var since = new NpgsqlParameter { Value = DateTime.SpecifyKind(days[0], DateTimeKind.Utc), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz };
        var byChannel = new Dictionary<string, long[]>();
        await using (var r = await s.ReadAsync("""
            SELECT (started_at AT TIME ZONE 'UTC')::date, coalesce(channel, 'other'), count(*) FROM conversations
            WHERE organization_id = $1 AND deleted_at IS NULL AND started_at >= $2
            GROUP BY 1, 2
            """, [new NpgsqlParameter { Value = Tenant.OrganizationId }, since], Aborted))
        {
            while (await r.ReadAsync(Aborted))
            {
                var i = days.IndexOf(r.GetDateTime(0).Date);
                if (i < 0) continue;
                var series = byChannel.TryGetValue(r.GetString(1), out var a) ? a : byChannel[r.GetString(1)] = new long[30];
                series[i] += r.GetInt64(2);
            }
        }
        var labels = days.Select(d => d.ToString("MMM d", CultureInfo.InvariantCulture)).ToArray();
        foreach (var (ch, counts) in byChannel.OrderBy(x => x.Key)) ChannelTotals.Add((ChannelName(ch), counts.Sum()));
        NoConversations = byChannel.Count == 0;
        ChannelChart = JsonSerializer.Serialize(new
        {
            type = "bar",
            data = new { labels, datasets = byChannel.OrderBy(x => x.Key).Select(x => new { label = ChannelName(x.Key), data = x.Value }).ToArray() },
            options = new { responsive = true, maintainAspectRatio = false, scales = new { x = new { stacked = true }, y = new { stacked = true, beginAtZero = true, ticks = new { precision = 0 } } } },
        });

        var ai = new long[30]; var human = new long[30];
        await using (var r = await s.ReadAsync("""
            SELECT ("timestamp" AT TIME ZONE 'UTC')::date, (agent_name = 'human'), count(*) FROM messages
            WHERE organization_id = $1 AND deleted_at IS NULL AND role = 'assistant' AND "timestamp" >= $2
            GROUP BY 1, 2
            """, [new NpgsqlParameter { Value = Tenant.OrganizationId }, since.Clone()], Aborted))
        {
            while (await r.ReadAsync(Aborted))
            {
                var i = days.IndexOf(r.GetDateTime(0).Date);
                if (i < 0) continue;
                if (!r.IsDBNull(1) && r.GetBoolean(1)) human[i] += r.GetInt64(2); else ai[i] += r.GetInt64(2);
            }
        }
        for (var i = 0; i < 30; i++) if (ai[i] + human[i] > 0) Replies.Add((labels[i], ai[i], human[i]));
        RepliesChart = JsonSerializer.Serialize(new
        {
            type = "line",
            data = new { labels, datasets = new object[] { new { label = "AI replies", data = ai }, new { label = "Human replies", data = human } } },
            options = new { responsive = true, maintainAspectRatio = false, scales = new { y = new { beginAtZero = true, ticks = new { precision = 0 } } } },
        });
        await s.CommitAsync(Aborted);
    }

    public static string ChannelName(string channel) => channel switch
    {
        "whatsapp" => "WhatsApp", "instagram" => "Instagram", "web_chat" => "Webchat", "email" => "Email",
        "phone" => "Phone", "slack" => "Slack", "api" => "API", "widget" => "Widget", _ => "Other",
    };
}
