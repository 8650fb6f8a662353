using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Channels;

/// <summary>Meta__AppSecret (webhook signatures), Meta__VerifyToken (subscription handshake), Meta__GraphBaseUrl and Meta__GraphVersion.</summary>
public sealed class MetaOptions(IConfiguration config)
{
    public string? AppSecret => config["Meta:AppSecret"];
    public string? VerifyToken => config["Meta:VerifyToken"];
    public Uri GraphBaseUrl => new((config["Meta:GraphBaseUrl"] ?? "https://graph.facebook.com").TrimEnd('/') + "/");
    public string GraphVersion => config["Meta:GraphVersion"] ?? "v21.0";
    /// <summary>Meta's default throughput for a WhatsApp number is 80 messages per second; stay under it.</summary>
    public int MessagesPerSecondPerNumber => config.GetValue("Meta:MessagesPerSecondPerNumber", 70);
}
