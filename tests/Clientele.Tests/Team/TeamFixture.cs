using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Clientele.Tests.Console;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using MimeKit;
using Shouldly;

namespace Clientele.Tests.Team;

/// <summary>The host with the product's mail going to a loopback SMTP sink (MailKit is the client under test).</summary>
public sealed partial class TeamFixture : AppFixture
{
    public SmtpSink Smtp { get; private set; } = null!;

    protected override Dictionary<string, string?> Config => new()
    {
        ["Smtp:Host"] = Smtp.Host,
        ["Smtp:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Smtp:EnableSsl"] = "false",
        ["Smtp:FromAddress"] = "team@clientele.test",
        ["Smtp:TimeoutSeconds"] = "10",
    };

    public override async Task InitializeAsync()
    {
        Smtp = await SmtpSink.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    /// <summary>The latest message the sink took for an address, parsed by MimeKit.</summary>
    public MimeMessage LastTo(string address)
    {
        var raw = Smtp.To(address).LastOrDefault() ?? throw new ShouldAssertException($"no email to {address}");
        return MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw.Raw)));
    }

    /// <summary>The path of the first link to pathPrefix in the message's text part.</summary>
    public static string LinkIn(MimeMessage m, string pathPrefix)
    {
        var match = Regex.Match(m.TextBody ?? "", @"https?://[^/\s]+(" + Regex.Escape(pathPrefix) + @"[A-Za-z0-9_\-]+)");
        match.Success.ShouldBeTrue($"no {pathPrefix} link in: {m.TextBody}");
        return match.Groups[1].Value;
    }

    /// <summary>A cookie client without a session (an invitee or someone who forgot the password).</summary>
    public CookieClient Anonymous() =>
        new(new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = BaseAddress });

    public static string NewEmail(string who = "invitee") => $"{who}-{Guid.NewGuid():N}@example.test";
}
