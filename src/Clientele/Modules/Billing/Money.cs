namespace Clientele.Modules.Billing;

/// <summary>Money rules shared by the billing use cases.</summary>
public static class Money
{
    /// <summary>Rounded once, to the cent, half-even (banker's rounding): 50.025 → 50.02, 50.035 → 50.04.</summary>
    public static decimal Round(decimal v) => Math.Round(v, 2, MidpointRounding.ToEven);
}
