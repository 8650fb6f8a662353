using System.Text;
using Clientele.Modules.Sales.Imports;
using Clientele.Platform.Database;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>
    /// A trade-show lead list arrives as a CSV and goes through the import (a dry run first, as a rep
    /// would, then the import): the leads, the imports rows and their per-row report come from the
    /// product's own import, including one row it refuses.
    /// </summary>
    public static async Task LeadImportAsync(DemoContext d)
    {
        var runner = d.Services!.GetRequiredService<ImportRunner>();
        var tenant = new TenantContext { OrganizationId = d.Session.OrganizationId, UserId = d.OwnerId, Role = Roles.Owner, ActorType = "user" };
        const string csv = """
            Name,Email,Company,Title,Source
            Priya Raman,priya.raman@lumenhome.example,Lumen Home,Head of E-commerce,event
            Tomás Alves,tomas.alves@fretex.example,Fretex Logistics,CX Director,event
            Ingrid Holm,ingrid.holm@nordpay.example,Nordpay,VP Operations,event
            Badge Scan 0417,,Unknown,,event
            """;
        var mapping = new System.Text.Json.Nodes.JsonObject { ["Name"] = "name", ["Email"] = "email", ["Company"] = "company", ["Title"] = "title", ["Source"] = "source" };
        foreach (var dry in new[] { true, false })
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));
            var request = new ImportRunner.Request("leads", ImportFile.Read(stream), (System.Text.Json.Nodes.JsonObject)mapping.DeepClone(), dry, "retailtech-badge-scans.csv");
            await runner.RunAsync(tenant, request, null, d.Ct);
        }
    }
}
