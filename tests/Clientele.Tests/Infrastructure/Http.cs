using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Shouldly;

namespace Clientele.Tests.Infrastructure;

/// <summary>Small helpers that keep tests about behaviour rather than plumbing.</summary>
public static class Http
{
    public static async Task<(HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response)> SendAsync(this HttpClient c, HttpMethod method, string url, object? body = null, Action<HttpRequestMessage>? configure = null)
    {
        using var req = new HttpRequestMessage(method, url);
        if (body is string raw) req.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        else if (body is not null) req.Content = JsonContent.Create(body);
        configure?.Invoke(req);
        var res = await c.SendAsync(req);
        var text = await res.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (text.Length > 0 && (res.Content.Headers.ContentType?.MediaType?.Contains("json") ?? false)) json = JsonNode.Parse(text);
        ((int)res.StatusCode).ShouldBeLessThan(500, $"{method} {url} answered {(int)res.StatusCode}: {text}");
        return (res.StatusCode, json, res);
    }

    public static Task<(HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response)> GetJsonAsync(this HttpClient c, string url) => c.SendAsync(HttpMethod.Get, url);
    public static Task<(HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response)> PostJsonAsync(this HttpClient c, string url, object body, Action<HttpRequestMessage>? configure = null) => c.SendAsync(HttpMethod.Post, url, body, configure);
    public static Task<(HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response)> PatchJsonAsync(this HttpClient c, string url, object body, Action<HttpRequestMessage>? configure = null) => c.SendAsync(HttpMethod.Patch, url, body, configure);
    public static Task<(HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response)> DeleteAsync2(this HttpClient c, string url, Action<HttpRequestMessage>? configure = null) => c.SendAsync(HttpMethod.Delete, url, null, configure);

    /// <summary>Asserts a problem+json answer with the status and (optionally) a named field.</summary>
    public static void ShouldBeProblem(this (HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response) r, int status, string? field = null)
    {
        ((int)r.Status).ShouldBe(status, r.Json?.ToJsonString());
        r.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        r.Json!["status"]!.GetValue<int>().ShouldBe(status);
        if (field is not null) r.Json["errors"]?[field].ShouldNotBeNull($"expected an error for '{field}' in {r.Json.ToJsonString()}");
    }

    public static async Task<Guid> CreateCustomerAsync(this HttpClient c, object? extra = null)
    {
        var body = new JsonObject { ["email"] = $"c-{Guid.NewGuid():N}@example.test", ["name"] = "Test Customer" };
        if (extra is not null)
            foreach (var (k, v) in JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra))!.AsObject()) body[k] = v?.DeepClone();
        var r = await c.PostJsonAsync("/api/v1/customers", body);
        ((int)r.Status).ShouldBe(201, r.Json?.ToJsonString());
        return Guid.Parse(r.Json!["id"]!.GetValue<string>());
    }
}
