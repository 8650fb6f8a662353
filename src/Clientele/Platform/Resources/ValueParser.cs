using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Clientele.Platform.Resources;

/// <summary>Turns JSON values and query-string text into the CLR value of a column, or says why not.</summary>
public static class ValueParser
{
    public static bool TryFromJson(ResourceColumn col, JsonElement e, out object? value)
    {
        value = null;
        if (e.ValueKind == JsonValueKind.Null) return true;
        if (col.Kind == ColumnKind.Json) { value = e.GetRawText(); return true; }
        if (col.Kind == ColumnKind.Array)
        {
            if (e.ValueKind != JsonValueKind.Array) return false;
            var items = new List<object?>();
            foreach (var item in e.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Null || !TryScalarFromJson(col.ElementKind, item, out var v)) return false;
                items.Add(v);
            }
            value = ToTypedArray(col.ElementKind, items);
            return true;
        }
        return TryScalarFromJson(col.Kind, e, out value);
    }

    private static bool TryScalarFromJson(ColumnKind kind, JsonElement e, out object? value)
    {
        value = null;
        switch (kind)
        {
            case ColumnKind.Int16 when e.ValueKind == JsonValueKind.Number && e.TryGetInt16(out var s): value = s; return true;
            case ColumnKind.Int32 when e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var i): value = i; return true;
            case ColumnKind.Int64 when e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var l): value = l; return true;
            case ColumnKind.Decimal when e.ValueKind == JsonValueKind.Number && e.TryGetDecimal(out var d): value = d; return true;
            // .NET reads 1e400 as Infinity, which no float column accepts as a number.
            case ColumnKind.Double when e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var db) && double.IsFinite(db): value = db; return true;
            case ColumnKind.Bool when e.ValueKind is JsonValueKind.True or JsonValueKind.False: value = e.GetBoolean(); return true;
            case ColumnKind.Text when e.ValueKind == JsonValueKind.String: value = e.GetString(); return true;
            case ColumnKind.Bytes when e.ValueKind == JsonValueKind.String && e.TryGetBytesFromBase64(out var b): value = b; return true;
            default:
                return e.ValueKind == JsonValueKind.String && TryFromText(kind, e.GetString()!, out value) && kind is not (ColumnKind.Int16 or ColumnKind.Int32 or ColumnKind.Int64 or ColumnKind.Decimal or ColumnKind.Double or ColumnKind.Bool);
        }
    }

    public static bool TryFromText(ColumnKind kind, string text, out object? value)
    {
        value = null;
        var inv = CultureInfo.InvariantCulture;
        switch (kind)
        {
            case ColumnKind.Uuid when Guid.TryParse(text, out var g): value = g; return true;
            case ColumnKind.Text: value = text; return true;
            case ColumnKind.Int16 when short.TryParse(text, NumberStyles.Integer, inv, out var s): value = s; return true;
            case ColumnKind.Int32 when int.TryParse(text, NumberStyles.Integer, inv, out var i): value = i; return true;
            case ColumnKind.Int64 when long.TryParse(text, NumberStyles.Integer, inv, out var l): value = l; return true;
            case ColumnKind.Decimal when decimal.TryParse(text, NumberStyles.Number, inv, out var d): value = d; return true;
            case ColumnKind.Double when double.TryParse(text, NumberStyles.Float, inv, out var db) && double.IsFinite(db): value = db; return true;
            case ColumnKind.Bool when bool.TryParse(text, out var b): value = b; return true;
            case ColumnKind.Timestamp when DateTimeOffset.TryParse(text, inv, DateTimeStyles.AssumeUniversal, out var ts) && LooksLikeIsoDate(text):
                value = ts.UtcDateTime; return true;
            case ColumnKind.Date when DateOnly.TryParseExact(text, "yyyy-MM-dd", inv, DateTimeStyles.None, out var date): value = date; return true;
            case ColumnKind.Time when TimeOnly.TryParse(text, inv, DateTimeStyles.None, out var t): value = t; return true;
            case ColumnKind.Inet when IPAddress.TryParse(text, out var ip): value = ip; return true;
            default: return false;
        }
    }

    private static bool LooksLikeIsoDate(string text) => text.Length >= 10 && char.IsDigit(text[0]) && text[4] == '-';

    public static Array ToTypedArray(ColumnKind kind, IReadOnlyList<object?> items)
    {
        var type = kind switch
        {
            ColumnKind.Uuid => typeof(Guid), ColumnKind.Int16 => typeof(short), ColumnKind.Int32 => typeof(int),
            ColumnKind.Int64 => typeof(long), ColumnKind.Decimal => typeof(decimal), ColumnKind.Double => typeof(double),
            ColumnKind.Bool => typeof(bool), ColumnKind.Timestamp => typeof(DateTime), ColumnKind.Date => typeof(DateOnly),
            ColumnKind.Time => typeof(TimeOnly), ColumnKind.Inet => typeof(IPAddress), _ => typeof(string),
        };
        var array = Array.CreateInstance(type, items.Count);
        for (var i = 0; i < items.Count; i++) array.SetValue(items[i], i);
        return array;
    }
}
