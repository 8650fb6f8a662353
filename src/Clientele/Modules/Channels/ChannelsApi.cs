using System.Text.Json.Nodes;
using Clientele.Modules.Channels.Jobs;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Jobs;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Channels;

/// <summary>Linking agents to numbers (with the archive of seed 001) and topping up message credits.</summary>
public static class ChannelsApi
{
    public sealed record LinkRequest(Guid? PhoneNumberId);
    public sealed record GrantRequest(int? Credits);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/agents/{id}/link", Link).WithTags("Channels").WithName("LinkAgent")
            .WithSummary("Link the agent to a number: the number's previous agent is retired, its active conversations closed and archived");
        api.MapPost("/message_credits/grant", Grant).WithTags("Channels").WithName("GrantMessageCredits")
            .WithSummary("Add message credits (owners and admins); customer messages that waited for credits are answered");
    }

    private static async Task<IResult> Link(string id, HttpContext ctx, TenantContext tenant, TenantSessions sessions, ResourceRegistry registry, ResourceStore store)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        var req = await JsonBody.ReadAsync<LinkRequest>(ctx);
        if (req.PhoneNumberId is not { } numberId) throw ProblemException.Validation("phone_number_id", "is required");
        if (!Guid.TryParse(id, out var agentId)) throw ProblemException.NotFound($"No agent with id {id}.");
        // Relinking closes many conversations at once while workers update single ones: PostgreSQL
        // may abort one side of such a deadlock, and then the whole transaction simply runs again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await LinkOnceAsync(agentId, numberId, id, ctx, tenant, sessions, registry, store);
            }
            catch (Npgsql.PostgresException e) when (e.SqlState is Npgsql.PostgresErrorCodes.DeadlockDetected or Npgsql.PostgresErrorCodes.SerializationFailure && attempt < 4)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), ctx.RequestAborted);
            }
        }
    }

    private static async Task<IResult> LinkOnceAsync(Guid agentId, Guid numberId, string id, HttpContext ctx, TenantContext tenant, TenantSessions sessions, ResourceRegistry registry, ResourceStore store)
    {
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        await s.BeginAsync(ct);
        await using (var number = await s.CommandAsync("SELECT 1 FROM phone_numbers WHERE organization_id = $1 AND id = $2 FOR UPDATE", ct))
        {
            number.Parameters.AddWithValue(tenant.OrganizationId);
            number.Parameters.AddWithValue(numberId);
            if (await number.ExecuteScalarAsync(ct) is null) throw ProblemException.Validation("phone_number_id", "refers to a row that does not exist");
        }
        await using (var agent = await s.CommandAsync("SELECT 1 FROM agents WHERE organization_id = $1 AND id = $2 FOR UPDATE", ct))
        {
            agent.Parameters.AddWithValue(tenant.OrganizationId);
            agent.Parameters.AddWithValue(agentId);
            if (await agent.ExecuteScalarAsync(ct) is null) throw ProblemException.NotFound($"No agent with id {id}.");
        }
        Guid? oldAgent = null;
        await using (var current = await s.CommandAsync("SELECT id FROM agents WHERE organization_id = $1 AND phone_number_id = $2 AND is_active", ct))
        {
            current.Parameters.AddWithValue(tenant.OrganizationId);
            current.Parameters.AddWithValue(numberId);
            oldAgent = await current.ExecuteScalarAsync(ct) as Guid?;
        }
        JsonNode? archive = null;
        if (oldAgent != agentId)
        {
            var archived = 0;
            if (oldAgent is { } old)
            {
                await using (var close = await s.CommandAsync("""
                    UPDATE conversations SET is_active = false, status = CASE WHEN status = 'escalated' THEN status ELSE 'resolved' END, ended_at = now(), updated_by = $3
                    WHERE organization_id = $1 AND phone_number_id = $2 AND is_active AND deleted_at IS NULL
                    """, ct))
                {
                    close.Parameters.AddWithValue(tenant.OrganizationId);
                    close.Parameters.AddWithValue(numberId);
                    close.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)tenant.ActorId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
                    archived = await close.ExecuteNonQueryAsync(ct);
                }
                await using (var retire = await s.CommandAsync("UPDATE agents SET is_active = false WHERE organization_id = $1 AND id = $2", ct))
                {
                    retire.Parameters.AddWithValue(tenant.OrganizationId);
                    retire.Parameters.AddWithValue(old);
                    await retire.ExecuteNonQueryAsync(ct);
                }
            }
            await using (var link = await s.CommandAsync("UPDATE agents SET phone_number_id = $3, is_active = true WHERE organization_id = $1 AND id = $2", ct))
            {
                link.Parameters.AddWithValue(tenant.OrganizationId);
                link.Parameters.AddWithValue(agentId);
                link.Parameters.AddWithValue(numberId);
                await link.ExecuteNonQueryAsync(ct);
            }
            if (oldAgent is { } previous)
            {
                var archiveId = Guid.CreateVersion7();
                await using (var ins = await s.CommandAsync("""
                    INSERT INTO conversation_archives (id, organization_id, old_agent_id, new_agent_id, phone_number_id, archived_conversations_count)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    """, ct))
                {
                    ins.Parameters.AddWithValue(archiveId);
                    ins.Parameters.AddWithValue(tenant.OrganizationId);
                    ins.Parameters.AddWithValue(previous);
                    ins.Parameters.AddWithValue(agentId);
                    ins.Parameters.AddWithValue(numberId);
                    ins.Parameters.AddWithValue(archived);
                    await ins.ExecuteNonQueryAsync(ct);
                }
                archive = JsonNode.Parse((await store.GetAsync(s, registry.Find("conversation_archives")!, archiveId, [], false, ct)).Json);
            }
            await AuditWriter.WriteAsync(s, "agents", agentId, "update", new JsonObject
            {
                ["before"] = new JsonObject { ["phone_number_agent"] = oldAgent?.ToString() },
                ["after"] = new JsonObject { ["phone_number_id"] = numberId.ToString(), ["archived_conversations"] = archived },
            }, ct);
        }
        var agentJson = JsonNode.Parse((await store.GetAsync(s, registry.Find("agents")!, agentId, [], false, ct)).Json);
        await s.CommitAsync(ct);
        return Results.Text(new JsonObject { ["agent"] = agentJson, ["archive"] = archive }.ToJsonString(), "application/json");
    }

    private static async Task<IResult> Grant(HttpContext ctx, TenantContext tenant, TenantSessions sessions, Outbox outbox)
    {
        if (!tenant.IsAdmin) throw ProblemException.Forbidden("Adding credits needs the admin or owner role.");
        var req = await JsonBody.ReadAsync<GrantRequest>(ctx);
        if (req.Credits is not (> 0 and <= 1_000_000)) throw ProblemException.Validation("credits", "must be an integer from 1 to 1000000");
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        await s.BeginAsync(ct);
        var balance = await MessageCredits.GrantAsync(s, req.Credits.Value, ct);
        // Customer messages that waited for credits get their replies now.
        var waiting = new List<(Guid Conversation, Guid Message)>();
        await using (var cmd = await s.CommandAsync("""
            SELECT m.conversation_id, m.id FROM messages m JOIN conversations c ON c.organization_id = m.organization_id AND c.id = m.conversation_id
            WHERE m.organization_id = $1 AND m.role = 'user' AND m.status = 'pending' AND c.is_active ORDER BY m.id LIMIT 1000
            """, ct))
        {
            cmd.Parameters.AddWithValue(tenant.OrganizationId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) waiting.Add((r.GetGuid(0), r.GetGuid(1)));
        }
        foreach (var (conversation, message) in waiting)
            await outbox.EnqueueAsync(s, AgentReplyJob.TopicName, new { conversation_id = conversation, message_id = message }, ct);
        await AuditWriter.WriteAsync(s, "message_credits", null, "update", new JsonObject { ["granted"] = req.Credits, ["balance"] = balance }, ct);
        await s.CommitAsync(ct);
        return Results.Json(new { remaining_credits = balance, replies_resumed = waiting.Count });
    }
}
