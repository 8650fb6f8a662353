using System.Text.Json;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Microsoft.AspNetCore.DataProtection;

namespace Clientele.Platform.Resources;

/// <summary>
/// Validates a JSON object body against a resource: unknown and read-only fields, types,
/// lengths, nulls, and (on create) required fields, all reported together with the field names.
/// </summary>
public sealed class BodyBinder(IDataProtectionProvider protection)
{
    private readonly IDataProtector _secrets = protection.CreateProtector("Clientele.Secrets.v1");

    public string Protect(string plaintext) => _secrets.Protect(plaintext);
    public string Unprotect(string ciphertext) => _secrets.Unprotect(ciphertext);

    public static JsonElement ParseObject(ReadOnlyMemory<byte> body)
    {
        using var doc = ParseDocument(body);
        return doc.RootElement.Clone();
    }

    /// <summary>Like <see cref="ParseObject"/> without the copy: the caller reads the body while it holds (and then disposes) the document.</summary>
    public static JsonDocument ParseDocument(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty) throw ProblemException.BadRequest("The request body is empty; send a JSON object.");
        try
        {
            var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
            try
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw ProblemException.BadRequest("The request body must be a JSON object.");
                // The one text check of the generic API (NUL, lone surrogates, invalid UTF-8, a field twice).
                if (JsonText.Find(doc.RootElement) is { } bad) throw JsonText.Refuse(bad);
                return doc;
            }
            catch
            {
                doc.Dispose();
                throw;
            }
        }
        catch (JsonException e)
        {
            throw ProblemException.BadRequest($"The request body is not valid JSON: {e.Message}");
        }
    }

    /// <summary>For numeric(p,s): the bound 10^(p-s) that the value, rounded to s decimals, reaches (PostgreSQL's "numeric field overflow").</summary>
    private static decimal? TooLarge(ResourceColumn col, decimal value)
    {
        if (col.NumericPrecision is not { } p || col.NumericScale is not { } s || p - s > 28 || s > 28) return null;
        var limit = 1m;
        for (var i = 0; i < p - s; i++) limit *= 10;
        return Math.Abs(Math.Round(value, s, MidpointRounding.AwayFromZero)) >= limit ? limit : null;
    }

    public List<(ResourceColumn Column, object? Value)> Bind(ResourceDefinition def, JsonElement body, bool create)
    {
        var errors = new FieldErrors();
        var values = new List<(ResourceColumn, object?)>();
        foreach (var prop in body.EnumerateObject())
        {
            if (!def.ByName.TryGetValue(prop.Name, out var col))
            {
                errors.Add(prop.Name, $"is not a field of {def.Table}");
                continue;
            }
            if (col.ReadOnly)
            {
                errors.Add(prop.Name, "is read-only (set by the server)");
                continue;
            }
            if (!ValueParser.TryFromJson(col, prop.Value, out var value))
            {
                errors.Add(prop.Name, $"must be {col.TypeDescription}");
                continue;
            }
            if (value is null && !col.Nullable)
            {
                errors.Add(prop.Name, "must not be null");
                continue;
            }
            if (value is string s && col.MaxLength is { } max && s.Length > max)
            {
                errors.Add(prop.Name, $"must be at most {max} characters (got {s.Length})");
                continue;
            }
            if (value is decimal number && TooLarge(col, number) is { } limit)
            {
                errors.Add(prop.Name, $"must be less than {limit} in absolute value");
                continue;
            }
            if (col.Secret && value is string plain) value = Protect(plain);
            values.Add((col, value));
        }
        if (create)
        {
            foreach (var col in def.Columns)
            {
                if (col.ReadOnly || col.IsComputed || col.Nullable || col.HasDefault) continue;
                if (!body.TryGetProperty(col.Name, out _) && !errors.ToDictionary().ContainsKey(col.Name))
                    errors.Add(col.Name, "is required");
            }
        }
        errors.ThrowIfAny();
        return values;
    }
}
