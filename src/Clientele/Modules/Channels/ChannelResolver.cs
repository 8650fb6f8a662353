using Clientele.Platform.Database;
using Microsoft.Extensions.Caching.Memory;

namespace Clientele.Modules.Channels;

/// <summary>Which organization and channel row a provider's channel id belongs to (cached briefly; webhooks are hot).</summary>
public sealed class ChannelResolver(AppDataSource app, IMemoryCache cache)
{
    public sealed record Channel(Guid OrganizationId, Guid PhoneNumberId);
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    public async Task<Channel?> ResolveAsync(string platform, string channelId, CancellationToken ct)
    {
        var key = $"channel:{platform}:{channelId}";
        if (cache.TryGetValue(key, out Channel? hit)) return hit;
        await using var cmd = app.DataSource.CreateCommand("SELECT organization_id, phone_number_id FROM clientele_resolve_channel($1, $2)");
        cmd.Parameters.AddWithValue(platform);
        cmd.Parameters.AddWithValue(channelId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        Channel? channel = await r.ReadAsync(ct) ? new Channel(r.GetGuid(0), r.GetGuid(1)) : null;
        cache.Set(key, channel, channel is null ? TimeSpan.FromSeconds(5) : CacheFor);
        return channel;
    }

    public void Forget(string platform, string channelId) => cache.Remove($"channel:{platform}:{channelId}");
}
