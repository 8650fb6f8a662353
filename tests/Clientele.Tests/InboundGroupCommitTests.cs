using System.Net;
using System.Text.Json.Nodes;
using Clientele.Modules.Channels;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>
/// Issue 16 (session 8): concurrent webhook deliveries are written by a group commit
/// (InboundWriter): one batch, one transaction, several deliveries and organizations. Each
/// delivery is answered after the commit holding its rows, counts only its own new rows, and a
/// delivery the database refuses fails alone.
/// </summary>
public sealed class InboundGroupCommitTests(ChannelsFixture app) : IClassFixture<ChannelsFixture>
{
    private static string Wamid() => "wamid.G" + Guid.NewGuid().ToString("N");

    private async Task<long> CountAsync(string sql, params object[] args)
    {
        await using var db = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand(sql, db);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Concurrent_deliveries_of_two_organizations_are_each_stored_once_under_their_own_organization_and_counted_new_once()
    {
        var a = await app.ChannelAsync();
        var b = await app.ChannelAsync();
        var ids = Enumerable.Range(0, 8).Select(_ => Wamid()).ToList();
        // Each id of a delivered twice at once (Meta redelivers while the first is in flight), b's once.
        var posts = ids.SelectMany((id, i) => new[]
        {
            MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(a.MetaId, $"55119800000{i:00}", "Ana", id, "hello")),
            MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(a.MetaId, $"55119800000{i:00}", "Ana", id, "hello")),
            MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(b.MetaId, $"55119700000{i:00}", "Rui", id + ".b", "hi")),
        }).ToList();
        var answers = await Task.WhenAll(posts);
        answers.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        var news = await Task.WhenAll(answers.Select(async r => JsonNode.Parse(await r.Content.ReadAsStringAsync())!["new"]!.GetValue<int>()));
        news.Sum().ShouldBe(16, "each of a's 8 ids is new in exactly one of its two deliveries, and b's 8 are new");

        (await CountAsync("SELECT count(*) FROM inbound_events WHERE organization_id = $1 AND external_id = ANY($2)", a.Tenant.OrganizationId, ids.ToArray())).ShouldBe(8L);
        (await CountAsync("SELECT count(*) FROM inbound_events WHERE organization_id = $1 AND external_id = ANY($2)", b.Tenant.OrganizationId, ids.Select(i => i + ".b").ToArray())).ShouldBe(8L);
        (await CountAsync("SELECT count(*) FROM inbound_events WHERE organization_id = $1 AND external_id = ANY($2)", a.Tenant.OrganizationId, ids.Select(i => i + ".b").ToArray())).ShouldBe(0L,
            "no row of b's lands in a's organization");
        (await CountAsync("SELECT count(*) FROM inbound_events e JOIN phone_numbers p ON p.id = e.phone_number_id WHERE e.external_id LIKE 'wamid.G%' AND p.organization_id <> e.organization_id")).ShouldBe(0L);
    }

    [Fact]
    public async Task A_delivery_the_database_refuses_fails_alone_and_the_deliveries_batched_with_it_are_stored()
    {
        var ch = await app.ChannelAsync();
        var writer = app.App.Services.GetRequiredService<InboundWriter>();
        InboundWriter.Row Status(string id, string provider = "whatsapp") =>
            new(provider, "status", id, ch.PhoneNumberId, $$"""{"message_id":"{{id}}","status":"delivered"}""", null);

        // Many deliveries handed over at once so they share batches; "fax" breaks the provider CHECK.
        // Repeat until one batch held the bad delivery beside good ones (then it was split and retried).
        var splits = writer.Splits;
        for (var round = 0; round < 20 && writer.Splits == splits; round++)
        {
            var good = Enumerable.Range(0, 30).Select(_ => Wamid()).ToList();
            var bad = Wamid();
            var writes = good.Select(id => writer.WriteAsync(ch.Tenant.OrganizationId, [Status(id)], CancellationToken.None)).ToList();
            var refused = writer.WriteAsync(ch.Tenant.OrganizationId, [Status(bad, "fax")], CancellationToken.None);
            var more = good.Select(id => writer.WriteAsync(ch.Tenant.OrganizationId, [Status(id + ".2")], CancellationToken.None)).ToList();

            (await Should.ThrowAsync<PostgresException>(() => refused)).SqlState.ShouldBe(PostgresErrorCodes.CheckViolation);
            (await Task.WhenAll(writes.Concat(more))).ShouldAllBe(n => n == 1, "every good delivery is answered with its one new row");
            (await CountAsync("SELECT count(*) FROM inbound_events WHERE organization_id = $1 AND (external_id = ANY($2) OR external_id = ANY($3))",
                ch.Tenant.OrganizationId, good.ToArray(), good.Select(i => i + ".2").ToArray())).ShouldBe(60L);
            (await CountAsync("SELECT count(*) FROM inbound_events WHERE external_id = $1", bad)).ShouldBe(0L);
        }
        writer.Splits.ShouldBeGreaterThan(splits, "a batch held the refused delivery beside good ones at least once");
    }
}
