using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Clientele.Platform.Errors;

/// <summary>Writes application/problem+json bodies (RFC 9457).</summary>
public static class ProblemWriter
{
    public static Task WriteAsync(HttpContext ctx, ProblemException p) => WriteAsync(ctx, p.Status, p.Title, p.Detail, p.Errors, p.Type, p.Extensions);

    public static async Task WriteAsync(HttpContext ctx, int status, string title, string? detail, IDictionary<string, string[]>? errors = null,
        string? type = null, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        if (ctx.Response.HasStarted) return;
        // Keep headers such as Retry-After and X-Request-Id; drop those that describe a success.
        ctx.Response.Headers.Remove("ETag");
        ctx.Response.Headers.Remove("Location");
        ctx.Response.ContentLength = null;
        if (ctx.Response.Body.CanSeek) ctx.Response.Body.SetLength(0);
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/problem+json";
        await using var w = new Utf8JsonWriter(ctx.Response.Body);
        w.WriteStartObject();
        w.WriteString("type", type ?? $"https://httpwg.org/specs/rfc9110.html#status.{status}");
        w.WriteString("title", title);
        w.WriteNumber("status", status);
        if (detail is not null) w.WriteString("detail", detail);
        w.WriteString("instance", ctx.Request.Path);
        w.WriteString("request_id", ctx.TraceIdentifier);
        foreach (var (name, value) in extensions ?? new Dictionary<string, object?>())
        {
            w.WritePropertyName(name);
            // By hand: JsonSerializer may flush synchronously into the response stream (Kestrel refuses).
            switch (value)
            {
                case null: w.WriteNullValue(); break;
                case long l: w.WriteNumberValue(l); break;
                case int i: w.WriteNumberValue(i); break;
                case decimal m: w.WriteNumberValue(m); break;
                case bool b: w.WriteBooleanValue(b); break;
                default: w.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            }
        }
        if (errors is { Count: > 0 })
        {
            w.WriteStartObject("errors");
            foreach (var (field, messages) in errors)
            {
                w.WriteStartArray(field);
                foreach (var m in messages) w.WriteStringValue(m);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        await w.FlushAsync();
    }

    public static string TitleFor(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        412 => "Precondition failed",
        413 => "Payload too large",
        415 => "Unsupported media type",
        402 => "Payment required",
        422 => "Validation failed",
        429 => "Too many requests",
        _ => status >= 500 ? "Internal server error" : "Error",
    };
}
