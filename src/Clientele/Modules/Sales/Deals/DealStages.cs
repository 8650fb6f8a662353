namespace Clientele.Modules.Sales.Deals;

/// <summary>Seed 000's deal stages in pipeline order, with the default probability of each (also sales_stage_probability, migration 0051).</summary>
public static class DealStages
{
    public static readonly string[] All = ["prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost"];
    public static readonly string[] Open = ["prospecting", "qualification", "proposal", "negotiation"];

    public static bool IsClosed(string stage) => stage is "closed_won" or "closed_lost";

    public static int DefaultProbability(string stage) => stage switch
    {
        "prospecting" => 10, "qualification" => 25, "proposal" => 50, "negotiation" => 75, "closed_won" => 100, _ => 0,
    };

    public static string Label(string stage) => stage switch
    {
        "closed_won" => "Won", "closed_lost" => "Lost", _ => char.ToUpperInvariant(stage[0]) + stage[1..],
    };
}
