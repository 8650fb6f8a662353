using System.Text.Json;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Http;

namespace Clientele.Platform.Http;

/// <summary>Reads request bodies: snake_case JSON, unknown fields refused, text checked by JsonText, size limited by Kestrel.</summary>
public static class JsonBody
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        // The web defaults read "10" as 10; a number must be a JSON number (message_credits/grant, issue 8).
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    };

    public static async Task<byte[]> ReadBytesAsync(HttpContext ctx)
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
        return ms.ToArray();
    }

    /// <summary>Like <see cref="ReadAsync{T}"/>, but an empty body is null (actions whose fields are all optional).</summary>
    public static async Task<T?> ReadOptionalAsync<T>(HttpContext ctx) where T : class
    {
        if (ctx.Request.ContentLength == 0 || (ctx.Request.ContentLength is null && !ctx.Request.Headers.ContainsKey("Transfer-Encoding"))) return null;
        return await ReadAsync<T>(ctx);
    }

    public static async Task<T> ReadAsync<T>(HttpContext ctx)
    {
        var bytes = await ReadBytesAsync(ctx);
        if (bytes.Length == 0) throw ProblemException.BadRequest("The request body is empty; send a JSON object.");
        try
        {
            // Text is judged once, here, for every typed body (signup, webchat, module endpoints):
            // the serializer would throw on invalid UTF-8 or a lone surrogate mid-handler, and a NUL
            // or a duplicated property would reach PostgreSQL or silently win.
            using (var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 }))
                if (JsonText.Find(doc.RootElement) is { } bad) throw JsonText.Refuse(bad);
            return JsonSerializer.Deserialize<T>(bytes, Options) ?? throw ProblemException.BadRequest("The request body must be a JSON object.");
        }
        catch (JsonException e) when (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            var field = e.Message.Split('\'') is { Length: > 2 } parts ? parts[1] : "_";
            throw ProblemException.Validation(field, "is not a known field");
        }
        catch (JsonException e)
        {
            var field = e.Path?.TrimStart('$', '.') is { Length: > 0 } p ? p : null;
            if (field is not null) throw ProblemException.Validation(field, "has the wrong type");
            throw ProblemException.BadRequest($"The request body is not valid JSON: {e.Message}");
        }
    }
}

public static class Validation
{
    public static bool IsEmail(string? s) =>
        s is { Length: > 2 and <= 255 } && s.IndexOf('@', StringComparison.Ordinal) is > 0 and var at && at < s.Length - 1 && !s.Contains(' ', StringComparison.Ordinal)
        && s.IndexOf('.', at) > at + 1;
}
