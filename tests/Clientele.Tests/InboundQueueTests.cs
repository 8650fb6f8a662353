using System.Net;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>
/// Issue 16 item 1: an acknowledged webhook item is one row, the inbound event, which is its own
/// queue entry (lease, attempts, backoff, dead letter) claimed by the outbox workers.
/// </summary>
public sealed class InboundQueueTests(ChannelsFixture app) : IClassFixture<ChannelsFixture>
{
    private static string Wamid() => "wamid.Q" + Guid.NewGuid().ToString("N");

    private async Task<T> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var db = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand(sql, db);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private sealed record Row(DateTime? ProcessedAt, DateTime? DeadAt, int Attempts, string? LastError, DateTime? LockedUntil);

    private async Task<Row> EventAsync(Guid organizationId, string externalId)
    {
        await using var db = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand("SELECT processed_at, dead_at, attempts, last_error, locked_until FROM inbound_events WHERE organization_id = $1 AND external_id = $2", db);
        cmd.Parameters.AddWithValue(organizationId);
        cmd.Parameters.AddWithValue(externalId);
        await using var r = await cmd.ExecuteReaderAsync();
        (await r.ReadAsync()).ShouldBeTrue($"event {externalId} exists");
        return new Row(r.IsDBNull(0) ? null : r.GetDateTime(0), r.IsDBNull(1) ? null : r.GetDateTime(1), r.GetInt32(2), r.IsDBNull(3) ? null : r.GetString(3),
            r.IsDBNull(4) ? null : r.GetDateTime(4));
    }

    /// <summary>Writes an inbound event directly, as the ingestor or a crashed node would have left it.</summary>
    private async Task InsertAsync(ChannelsFixture.Channel ch, string externalId, string payload, int maxAttempts = 8, int attempts = 0, DateTime? lockedUntil = null)
    {
        await using var db = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO inbound_events (id, organization_id, provider, kind, external_id, phone_number_id, payload, max_attempts, attempts, locked_until)
            VALUES (gen_random_uuid(), $1, 'whatsapp', 'message', $2, $3, $4::jsonb, $5, $6, $7)
            """, db);
        cmd.Parameters.AddWithValue(ch.Tenant.OrganizationId);
        cmd.Parameters.AddWithValue(externalId);
        cmd.Parameters.AddWithValue(ch.PhoneNumberId);
        cmd.Parameters.AddWithValue(payload);
        cmd.Parameters.AddWithValue(maxAttempts);
        cmd.Parameters.AddWithValue(attempts);
        cmd.Parameters.AddWithValue((object?)lockedUntil ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task An_acknowledged_webhook_writes_one_row_no_outbox_row_and_that_row_is_claimed_processed_once_and_answered()
    {
        var ch = await app.ChannelAsync();
        var wamid = Wamid();
        var payload = MetaWebhooks.WhatsAppText(ch.MetaId, "5511911110000", "Ana", wamid, "Hi, do you have a price list?");
        (await MetaWebhooks.PostAsync(app.Client(), "whatsapp", payload)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await MetaWebhooks.PostAsync(app.Client(), "whatsapp", payload)).StatusCode.ShouldBe(HttpStatusCode.OK); // Meta redelivers

        var done = await Eventually.GetAsync(() => EventAsync(ch.Tenant.OrganizationId, wamid), e => e.ProcessedAt is not null, what: "the event processed");
        done.Attempts.ShouldBe(1, "claimed once");
        done.LockedUntil.ShouldBeNull("the lease is released with the commit");
        (await ScalarAsync<long>("SELECT count(*) FROM inbound_events WHERE organization_id = $1", ch.Tenant.OrganizationId)).ShouldBe(1L);
        (await ScalarAsync<long>("SELECT count(*) FROM outbox WHERE organization_id = $1 AND topic LIKE 'inbound.%'", ch.Tenant.OrganizationId)).ShouldBe(0L,
            "the acknowledgement writes no outbox row");
        // Its work happened once: one user message and one reply sent.
        var conversation = (await Eventually.GetAsync(() => app.ConversationsAsync(ch.Tenant), c => c.Count == 1, what: "the conversation")).Single()!;
        var messages = await Eventually.GetAsync(() => app.MessagesAsync(ch.Tenant, Guid.Parse(conversation["id"]!.GetValue<string>())),
            m => m.Count == 2 && m[1]!["status"]?.GetValue<string>() == "sent", what: "the reply sent");
        messages.Count(m => m!["role"]!.GetValue<string>() == "user").ShouldBe(1);
    }

    [Fact]
    public async Task An_event_whose_lease_expired_on_a_crashed_node_is_claimed_again_and_one_that_keeps_failing_is_dead_lettered_with_its_error()
    {
        var ch = await app.ChannelAsync();
        // A node claimed this one (attempt 1) and died: its lease ran out a second ago.
        var orphan = Wamid();
        await InsertAsync(ch, orphan, """{"from": "5511922220000", "text": "still there?", "message_id": "MID"}""".Replace("MID", orphan, StringComparison.Ordinal),
            attempts: 1, lockedUntil: DateTime.UtcNow.AddSeconds(-1));
        // Unreadable by the job (no sender): retried with backoff, then dead after max_attempts.
        var poison = Wamid();
        await InsertAsync(ch, poison, """{"text": "no sender"}""", maxAttempts: 3);
        await ScalarAsync<object>("SELECT pg_notify('clientele_outbox', '')");

        var recovered = await Eventually.GetAsync(() => EventAsync(ch.Tenant.OrganizationId, orphan), e => e.ProcessedAt is not null, what: "the orphan processed");
        recovered.Attempts.ShouldBe(2);
        var dead = await Eventually.GetAsync(() => EventAsync(ch.Tenant.OrganizationId, poison), e => e.DeadAt is not null, TimeSpan.FromSeconds(30), "the poison dead-lettered");
        dead.Attempts.ShouldBe(3);
        dead.ProcessedAt.ShouldBeNull();
        dead.LastError.ShouldNotBeNullOrEmpty();
        dead.LockedUntil.ShouldBeNull();
        // Dead letters are visible to the tenant through the read-only resource.
        var listed = (await ch.Tenant.Http.GetJsonAsync("/api/v1/inbound_events?dead_at[is_null]=false")).Json!["data"]!.AsArray();
        listed.Single()!["external_id"]!.GetValue<string>().ShouldBe(poison);
    }
}
