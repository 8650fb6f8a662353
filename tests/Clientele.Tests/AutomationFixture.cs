using System.Globalization;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests;

/// <summary>The whole automation engine against loopback fakes: a quick scheduler, an SMTP sink, a webhook receiver.</summary>
public sealed class AutomationFixture : AppFixture
{
    public SmtpSink Smtp { get; private set; } = null!;
    public WebhookReceiver Receiver { get; private set; } = null!;

    protected override Dictionary<string, string?> Config => new()
    {
        ["Scheduler:IdleWaitMilliseconds"] = "1000", ["Scheduler:CheckinIntervalMilliseconds"] = "500", ["Scheduler:CheckinMisfireThresholdMilliseconds"] = "2000",
        ["Smtp:Host"] = Smtp.Host, ["Smtp:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture), ["Smtp:EnableSsl"] = "false",
        ["Smtp:FromAddress"] = "automation@clientele.test", ["Smtp:TimeoutSeconds"] = "10",
        ["Webhooks:AllowPrivateNetworks"] = "true", ["Webhooks:BackoffBaseSeconds"] = "0.2",
    };

    public override async Task InitializeAsync()
    {
        Smtp = await SmtpSink.StartAsync();
        Receiver = await WebhookReceiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
