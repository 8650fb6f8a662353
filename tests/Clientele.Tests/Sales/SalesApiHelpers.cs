using System.Text.Json.Nodes;
using Clientele.Tests.Billing;
using Clientele.Tests.Infrastructure;
using Shouldly;

namespace Clientele.Tests.Sales;

/// <summary>Test helpers for the pipeline: leads and deals through the API.</summary>
public static class SalesApiHelpers
{
    public static async Task<Guid> LeadAsync(this HttpClient http, object body)
    {
        var r = await http.PostJsonAsync("/api/v1/leads", body);
        ((int)r.Status).ShouldBe(201, r.Json?.ToJsonString());
        return Guid.Parse(r.Json!.Str("id"));
    }

    public static async Task<Guid> DealAsync(this HttpClient http, object body)
    {
        var r = await http.PostJsonAsync("/api/v1/deals", body);
        ((int)r.Status).ShouldBe(201, r.Json?.ToJsonString());
        return Guid.Parse(r.Json!.Str("id"));
    }

    public static int Int(this JsonNode n, string field) => n[field]!.GetValue<int>();

    public static async Task<int> CountAsync(this HttpClient http, string tableAndFilter)
    {
        var sep = tableAndFilter.Contains('?') ? '&' : '?';
        var list = await http.GetOkAsync($"/api/v1/{tableAndFilter}{sep}limit=200");
        return list["data"]!.AsArray().Count;
    }
}
