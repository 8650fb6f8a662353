namespace Clientele.Modules.Analytics.Experiments;

/// <summary>
/// The statistics of an experiment's results: a proportion with its 95% Wilson score interval, and
/// the two-proportion z-test (pooled) between two variants with its two-sided p-value.
/// </summary>
public static class ExperimentStats
{
    public const double Z95 = 1.959963984540054;

    /// <summary>Wilson score interval for k successes in n trials at 95%; (0, 0) when n is 0.</summary>
    public static (double Low, double High) Wilson(long k, long n)
    {
        if (n == 0) return (0, 0);
        double p = (double)k / n, z2 = Z95 * Z95;
        var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = Z95 / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>z and the two-sided p-value of "the two rates differ"; null when either group is empty or the pooled rate is 0 or 1.</summary>
    public static (double Z, double P)? TwoProportion(long k1, long n1, long k2, long n2)
    {
        if (n1 == 0 || n2 == 0) return null;
        var pooled = (double)(k1 + k2) / (n1 + n2);
        if (pooled is <= 0 or >= 1) return null;
        var se = Math.Sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        var z = ((double)k1 / n1 - (double)k2 / n2) / se;
        return (z, 2 * (1 - NormalCdf(Math.Abs(z))));
    }

    /// <summary>Standard normal CDF through erf (Abramowitz and Stegun 7.1.26, error below 1.5e-7).</summary>
    public static double NormalCdf(double x) => 0.5 * (1 + Erf(x / Math.Sqrt(2)));

    private static double Erf(double x)
    {
        var sign = Math.Sign(x);
        x = Math.Abs(x);
        var t = 1 / (1 + 0.3275911 * x);
        var y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return sign * y;
    }
}
