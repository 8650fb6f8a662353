using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Customers;

public sealed class CustomersModule : IModule
{
    /// <summary>Seed 000's "Find At-Risk Customers" thresholds, the defaults of /customers/at_risk.</summary>
    public const int AtRiskHealthBelow = 50;
    public const decimal AtRiskChurnAbove = 0.7m;

    public void ConfigureResources(ResourceOptions r) => r.Table("customers")
        .Computed<int>("days_until_renewal", "renewal_date - current_date")
        .Computed<bool>("is_at_risk", $"coalesce(health_score < {AtRiskHealthBelow} AND churn_risk > {AtRiskChurnAbove.ToString(System.Globalization.CultureInfo.InvariantCulture)}, false)")
        .ReadOnlyColumn("erased_at")
        .Describe("Customer accounts: billing profile (seed 000) and success profile (seed 003) in one record.");

    public void MapEndpoints(RouteGroupBuilder api)
    {
        CustomersApi.Map(api);
        CustomerExportApi.Map(api);
        Privacy.PrivacyApi.Map(api);
    }
}
