using Clientele.Modules.Success.Health;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Success;

/// <summary>
/// Issue 11 item 2, each detector on its own: the evidence that fires it and the same evidence with
/// the condition cleared (RiskSignalWriter resolves an open auto-detected signal whose type is no
/// longer detected; HealthTests and TranscriptTests show that end to end for overdue invoices and
/// competitor mentions).
/// </summary>
public sealed class RiskDetectorTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc);
    private static readonly HealthThresholds Defaults = new();

    /// <summary>A customer with nothing wrong: usage steady and recent, no money owed, a positive primary contact.</summary>
    private static HealthEvidence Calm() => new()
    {
        CustomerId = Guid.NewGuid(), Name = "Calm Co", UsageDays = 30, UsageDays90 = 90, Dau7 = 20, DauPrev7 = 20, LastLogin = Now.Date.AddDays(-1),
        Contacts = 2, HasPrimary = true, PrimaryName = "Dana", PositiveContacts = 1,
    };

    /// <summary>What fires the detector, what clears it, and the health score to judge with.</summary>
    private static (Action<HealthEvidence> Fire, Action<HealthEvidence> Clear, int Score) Scenario(string type) => type switch
    {
        // -50% fires; -25% is within the 30% threshold.
        "usage_decline" => (e => { e.Dau7 = 10; e.DauPrev7 = 20; }, e => { e.Dau7 = 15; e.DauPrev7 = 20; }, 70),
        "negative_sentiment" => (e => e.NegativeStreak = true, e => e.NegativeStreak = false, 70),
        // Escalations older than 14 days no longer count.
        "escalation" => (e => e.Escalations14 = 2, e => { e.Escalations14 = 0; e.Escalations30 = 2; }, 70),
        "overdue_invoice" => (e => { e.OverdueInvoices = 1; e.OverdueAmount = 400; e.MaxDaysOverdue = 12; }, e => { e.OverdueInvoices = 0; e.OverdueAmount = 0; e.MaxDaysOverdue = 0; }, 70),
        // A failed payment followed by a successful one is recovered.
        "payment_failure" => (e => { e.FailedUnrecovered = true; e.FailedPayments90 = 1; }, e => e.FailedUnrecovered = false, 70),
        "champion_risk" => (e => { e.HasPrimary = false; e.PrimaryGone = true; }, e => { e.HasPrimary = true; e.PrimaryGone = false; }, 70),
        // Inside 90 days with health below 50; 120 days away is not yet a risk.
        "renewal_risk" => (e => e.RenewalDate = Now.Date.AddDays(60), e => e.RenewalDate = Now.Date.AddDays(120), 45),
        "no_login" => (e => e.LastLogin = Now.Date.AddDays(-20), e => e.LastLogin = Now.Date.AddDays(-3), 70),
        "competitor_mention" => (e => e.Competitors = "Vitally", e => e.Competitors = null, 70),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    [Theory]
    [InlineData("usage_decline")]
    [InlineData("negative_sentiment")]
    [InlineData("escalation")]
    [InlineData("overdue_invoice")]
    [InlineData("payment_failure")]
    [InlineData("champion_risk")]
    [InlineData("renewal_risk")]
    [InlineData("no_login")]
    [InlineData("competitor_mention")]
    public void Each_detector_fires_on_its_condition_and_is_not_detected_once_it_clears(string type)
    {
        var (fire, clear, score) = Scenario(type);
        RiskDetectors.Detect(Calm(), score, Defaults, Now).ShouldBeEmpty();

        var firing = Calm();
        fire(firing);
        var found = RiskDetectors.Detect(firing, score, Defaults, Now).ShouldHaveSingleItem();
        found.Type.ShouldBe(type);
        found.Description.ShouldNotBeNullOrWhiteSpace();
        found.Severity.ShouldBeOneOf("low", "medium", "high", "critical");

        var cleared = Calm();
        fire(cleared);
        clear(cleared);
        RiskDetectors.Detect(cleared, score, Defaults, Now).ShouldNotContain(s => s.Type == type);
    }

    [Fact]
    public void Renewal_risk_needs_health_below_the_threshold()
    {
        var e = Calm();
        e.RenewalDate = Now.Date.AddDays(30);
        RiskDetectors.Detect(e, 45, Defaults, Now).ShouldContain(s => s.Type == "renewal_risk");
        RiskDetectors.Detect(e, 65, Defaults, Now).ShouldNotContain(s => s.Type == "renewal_risk");
    }
}
