using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Email;

/// <summary>
/// Email__InboundSecret (signs POST /webhooks/email) and the SMTP relay for outbound email:
/// Smtp__Host, Smtp__Port (587), Smtp__Username, Smtp__Password, Smtp__EnableSsl (STARTTLS, true),
/// Smtp__FromAddress (default sender when the channel has no settings.from_address),
/// Smtp__TimeoutSeconds (30).
/// </summary>
public sealed class EmailOptions(IConfiguration config)
{
    public string? InboundSecret => config["Email:InboundSecret"];

    public string? SmtpHost => config["Smtp:Host"] is { Length: > 0 } h ? h.Trim() : null;
    public int SmtpPort => config.GetValue("Smtp:Port", 587);
    public string? SmtpUsername => config["Smtp:Username"] is { Length: > 0 } u ? u : null;
    public string? SmtpPassword => config["Smtp:Password"];
    public bool SmtpEnableSsl => config.GetValue("Smtp:EnableSsl", true);
    public string? SmtpFromAddress => config["Smtp:FromAddress"] is { Length: > 0 } f ? f.Trim() : null;
    public TimeSpan SmtpTimeout => TimeSpan.FromSeconds(config.GetValue("Smtp:TimeoutSeconds", 30.0));

    public bool SmtpConfigured => SmtpHost is not null;
}
