using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Shouldly;

namespace Clientele.Tests.Billing;

/// <summary>Test helpers for billing: a catalogue, subscriptions, invoices with lines.</summary>
public static class BillingApi
{
    public static DateTime Today => DateTime.UtcNow.Date;

    public static async Task<JsonNode> PostOkAsync(this HttpClient http, string url, object? body = null, int status = 200)
    {
        var r = await http.SendAsync(HttpMethod.Post, url, body ?? new { });
        ((int)r.Status).ShouldBe(status, $"POST {url}: {r.Json?.ToJsonString()}");
        return r.Json!;
    }

    public static async Task<JsonNode> GetOkAsync(this HttpClient http, string url)
    {
        var r = await http.GetJsonAsync(url);
        ((int)r.Status).ShouldBe(200, $"GET {url}: {r.Json?.ToJsonString()}");
        return r.Json!;
    }

    public static async Task PlanAsync(this HttpClient http, string code, decimal basePrice, decimal perSeat = 0, string cycle = "monthly", int trialDays = 0, object[]? usage = null) =>
        await http.PostOkAsync("/api/v1/plans", new { code, billing_cycle = cycle, name = char.ToUpperInvariant(code[0]) + code[1..], base_price = basePrice, price_per_seat = perSeat, trial_days = trialDays, usage_pricing = usage ?? [] }, 201);

    public static async Task<Guid> SubscriptionAsync(this HttpClient http, Guid customer, string plan, int seats = 1, DateTime? start = null, DateTime? end = null, string cycle = "monthly", string status = "active")
    {
        var body = new JsonObject { ["customer_id"] = customer.ToString(), ["plan"] = plan, ["billing_cycle"] = cycle, ["seats_total"] = seats, ["status"] = status };
        if (start is not null) body["current_period_start"] = start.Value.ToString("O");
        if (end is not null) body["current_period_end"] = end.Value.ToString("O");
        var json = await http.PostOkAsync("/api/v1/subscriptions", body, 201);
        return Guid.Parse(json["id"]!.GetValue<string>());
    }

    /// <summary>A draft invoice with one line per (description, quantity, unit price).</summary>
    public static async Task<Guid> DraftAsync(this HttpClient http, Guid customer, params (string Description, decimal Quantity, decimal UnitPrice)[] lines)
    {
        var inv = await http.PostOkAsync("/api/v1/invoices", new { customer_id = customer, amount = 0m, status = "draft" }, 201);
        var id = Guid.Parse(inv["id"]!.GetValue<string>());
        foreach (var (d, q, p) in lines)
            await http.PostOkAsync("/api/v1/invoice_lines", new { invoice_id = id, kind = "base", description = d, quantity = q, unit_price = p }, 201);
        return id;
    }

    public static async Task<JsonNode> PayAsync(this HttpClient http, Guid customer, Guid invoice, decimal amount, int status = 201) =>
        await http.PostOkAsync("/api/v1/payments", new { customer_id = customer, invoice_id = invoice, amount, status = "succeeded", payment_method = "card" }, status);

    public static decimal Dec(this JsonNode n, string field) => n[field]!.GetValue<decimal>();
    public static string Str(this JsonNode n, string field) => n[field]!.GetValue<string>();
}
