using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;

namespace Clientele.Modules.Customers;

/// <summary>The customer_* tables around customers (seed 000 §1, seed 003 stakeholders) as resources.</summary>
public sealed class CustomerRecordsModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("customer_health_events")
            .Describe("Changes in a customer's health score or churn risk, with severity and what detected them.");
        r.Table("customer_segments")
            .Describe("Segments a customer belongs to (industry, lifecycle, value, behavior, risk) with a confidence score.");
        r.Table("customer_notes")
            .Describe("Notes employees wrote about a customer, with type and visibility.");
        r.Table("customer_contacts")
            .Describe("People at a customer (seed 000 contacts and seed 003 stakeholders): role, title, primary contact, sentiment.");
        r.Table("customer_integrations")
            .Computed<bool>("is_healthy", "(status = 'active' AND error_count < 5)")
            .Describe("Third-party systems a customer has connected, with sync status and error count.");
    }
}
