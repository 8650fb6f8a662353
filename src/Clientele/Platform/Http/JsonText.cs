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
    /// <remarks>
    /// Every request body passes here, so the walk allocates nothing while all is well: strings
    /// without escapes are judged on their raw UTF-8 (valid UTF-8 cannot hold a surrogate, and
    /// the parser refuses a raw control character, so only an escape can bring NUL or a lone
    /// surrogate), duplicate names are compared in place, and the path is built only for the
    /// problem found, while the recursion unwinds.
    /// </remarks>
    public static Problem? Find(JsonElement e, string path = "")
    {
        var found = FindIn(e);
        if (found is null) return null;
        var at = path;
        for (var i = found.Segments.Count - 1; i >= 0; i--)
            at = found.Segments[i] is int index ? $"{Or(at)}[{index}]" : at.Length == 0 ? (string)found.Segments[i] : at + "." + found.Segments[i];
        return new Problem(Or(at), found.Reason);
    }

    /// <summary>A problem and its path from the element down, innermost segment first (a name, or an array index).</summary>
    private sealed record Found(string Reason)
    {
        public List<object> Segments { get; } = [];
        public Found In(object segment) { Segments.Add(segment); return this; }
    }

    private const int PairwiseNames = 32;

    private static Found? FindIn(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                HashSet<string>? seen = null;
                var k = 0;
                foreach (var p in e.EnumerateObject())
                {
                    var raw = JsonMarshal.GetRawUtf8PropertyName(p);
                    string? name = null;
                    if (raw.IndexOf((byte)'\\') >= 0 || !Utf8.IsValid(raw))
                    {
                        try { name = p.Name; }
                        catch (InvalidOperationException) { return new Found("has a property name that is not valid UTF-8/Unicode text"); }
                        if (Check(name) is { } bad) return new Found("has a property name that " + bad);
                    }
                    // Small objects (nearly all) compare each name with the ones before it in place; large ones keep a set.
                    if (k < PairwiseNames && seen is null)
                    {
                        var j = 0;
                        foreach (var q in e.EnumerateObject())
                        {
                            if (j++ == k) break;
                            if (name is null ? q.NameEquals(raw) : q.NameEquals(name)) return new Found("appears more than once in the same object").In(name ?? p.Name);
                        }
                    }
                    else
                    {
                        if (seen is null)
                        {
                            seen = new HashSet<string>(StringComparer.Ordinal);
                            var j = 0;
                            foreach (var q in e.EnumerateObject()) { if (j++ == k) break; seen.Add(q.Name); }
                        }
                        if (!seen.Add(name ??= p.Name)) return new Found("appears more than once in the same object").In(name);
                    }
                    if (FindIn(p.Value) is { } problem) return problem.In(name ?? p.Name);
                    k++;
                }
                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    if (FindIn(item) is { } problem) return problem.In(i);
                    i++;
                }
                return null;
            case JsonValueKind.String:
                var rawValue = JsonMarshal.GetRawUtf8Value(e);
                if (rawValue.IndexOf((byte)'\\') < 0 && Utf8.IsValid(rawValue)) return null;
                string? s;
                try { s = e.GetString(); }
                catch (InvalidOperationException)
                {
                    return new Found(Utf8.IsValid(rawValue) ? "contains a lone surrogate (not valid Unicode text)" : "is not valid UTF-8 text");
                }
                return Check(s) is { } reason ? new Found(reason) : null;
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
