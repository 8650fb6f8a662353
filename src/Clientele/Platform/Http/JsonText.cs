using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;
using Clientele.Platform.Errors;

namespace Clientele.Platform.Http;

/// <summary>
/// The one place that decides whether text from outside can be stored: PostgreSQL refuses NUL
/// (22021/22P05) and System.Text.Json refuses invalid UTF-8 and lone surrogates only when a string
/// is read, i.e. deep inside a handler. Request bodies (BodyBinder, JsonBody), list filters
/// (ListQuery) and webhook items (the parsers) all ask here first and name the field.
/// </summary>
public static class JsonText
{
    public readonly record struct Problem(string Path, string Reason);

    /// <summary>Why a decoded string cannot be stored, or null when it can.</summary>
    public static string? Check(string? s)
    {
        if (s is null) return null;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\0') return "must not contain a NUL character (\\u0000)";
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
                return "contains a lone surrogate (not valid Unicode text)";
            }
            if (char.IsLowSurrogate(c)) return "contains a lone surrogate (not valid Unicode text)";
        }
        return null;
    }

    /// <summary>
    /// The first property name or string value in the element that cannot be stored, a property
    /// that appears twice in one object: null when all is well.
    /// Paths are "field", "field.sub" and "field[2]" relative to the element.
    /// </summary>
    public static Problem? Find(JsonElement e, string path = "")
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                HashSet<string>? seen = null;
                foreach (var p in e.EnumerateObject())
                {
                    string name;
                    try { name = p.Name; }
                    catch (InvalidOperationException) { return new Problem(path.Length > 0 ? path : "_", "has a property name that is not valid UTF-8/Unicode text"); }
                    var child = path.Length == 0 ? name : path + "." + name;
                    if (Check(name) is { } bad) return new Problem(path.Length > 0 ? path : "_", "has a property name that " + bad);
                    if (!(seen ??= new HashSet<string>(StringComparer.Ordinal)).Add(name)) return new Problem(child, "appears more than once in the same object");
                    if (Find(p.Value, child) is { } problem) return problem;
                }
                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    if (Find(item, $"{(path.Length > 0 ? path : "_")}[{i}]") is { } problem) return problem;
                    i++;
                }
                return null;
            case JsonValueKind.String:
                string? s;
                try { s = e.GetString(); }
                catch (InvalidOperationException)
                {
                    var raw = JsonMarshal.GetRawUtf8Value(e);
                    return new Problem(Or(path), Utf8.IsValid(raw) ? "contains a lone surrogate (not valid Unicode text)" : "is not valid UTF-8 text");
                }
                return Check(s) is { } reason ? new Problem(Or(path), reason) : null;
            default:
                return null;
        }
    }

    /// <summary>The 422 for a body problem, keyed by the top-level field; a problem inside a JSON or array value says where.</summary>
    public static ProblemException Refuse(Problem bad)
    {
        var cut = bad.Path.IndexOfAny(['.', '[']);
        return cut <= 0 ? ProblemException.Validation(bad.Path, bad.Reason)
            : ProblemException.Validation(bad.Path[..cut], $"{bad.Path[cut..].TrimStart('.')}: {bad.Reason}");
    }

    private static string Or(string path) => path.Length > 0 ? path : "_";

    /// <summary>The raw text of an element for keeping as evidence: invalid UTF-8 replaced, at most maxChars.</summary>
    public static string Evidence(JsonElement e, int maxChars = 16_384)
    {
        var text = System.Text.Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8Value(e));
        return text.Length > maxChars ? text[..maxChars] + "…" : text;
    }
}
