using System.Globalization;
using System.Net;
using System.Text.Json;
using Npgsql;

namespace Clientele.Platform.Resources;

/// <summary>Writes the current row of a reader as a JSON object, field names = column names.</summary>
public static class RowJson
{
    /// <summary>Reads the current row into values in column order (jsonb as its text).</summary>
    public static object?[] Read(NpgsqlDataReader r, IReadOnlyList<ResourceColumn> columns)
    {
        var values = new object?[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            if (r.IsDBNull(i)) continue;
            values[i] = columns[i].Kind == ColumnKind.Json ? r.GetString(i) : r.GetValue(i);
        }
        return values;
    }

    /// <summary>Writes the row's fields after an already written start of object (the caller ends it, after any includes).</summary>
    public static void WriteFields(Utf8JsonWriter w, object?[] values, IReadOnlyList<ResourceColumn> columns)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            var col = columns[i];
            w.WritePropertyName(col.Name);
            var v = values[i];
            if (v is null) { w.WriteNullValue(); continue; }
            if (col.Kind == ColumnKind.Json) { w.WriteRawValue((string)v, skipInputValidation: true); continue; }
            if (col.Kind == ColumnKind.Array)
            {
                w.WriteStartArray();
                foreach (var item in (Array)v) WriteScalar(w, col.ElementKind, item);
                w.WriteEndArray();
                continue;
            }
            WriteScalar(w, col.Kind, v);
        }
    }

    public static byte[] ToBytes(object?[] values, IReadOnlyList<ResourceColumn> columns)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            WriteFields(w, values, columns);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The text form of a value that ValueParser.TryFromText reads back (for cursors).</summary>
    public static string? ToText(object? v) => v switch
    {
        null => null,
        DateTime dt => DateTime.SpecifyKind(dt, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString(),
    };

    public static void WriteScalar(Utf8JsonWriter w, ColumnKind kind, object? v)
    {
        switch (v)
        {
            case null or DBNull: w.WriteNullValue(); break;
            case Guid g: w.WriteStringValue(g); break;
            case string s: w.WriteStringValue(s); break;
            case short s16: w.WriteNumberValue(s16); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case decimal d: w.WriteNumberValue(d); break;
            case double db: w.WriteNumberValue(db); break;
            case float f: w.WriteNumberValue(f); break;
            case bool b: w.WriteBooleanValue(b); break;
            case DateTime dt: WriteFormatted(w, dt, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"); break;
            case DateOnly d0: WriteFormatted(w, d0, "yyyy-MM-dd"); break;
            case TimeOnly t: w.WriteStringValue(t.ToString("HH:mm:ss", CultureInfo.InvariantCulture)); break;
            case TimeSpan ts: w.WriteStringValue(ts.ToString("c", CultureInfo.InvariantCulture)); break;
            case IPAddress ip: w.WriteStringValue(ip.ToString()); break;
            case NpgsqlTypes.NpgsqlInet inet: w.WriteStringValue(inet.ToString()); break;
            case byte[] bytes: w.WriteBase64StringValue(bytes); break;
            default: w.WriteStringValue(Convert.ToString(v, CultureInfo.InvariantCulture)); break;
        }
        _ = kind;
    }

    /// <summary>Formats on the stack (no string per timestamp: a list of 50 rows has hundreds).</summary>
    private static void WriteFormatted<T>(Utf8JsonWriter w, T value, string format) where T : ISpanFormattable
    {
        Span<char> text = stackalloc char[40];
        if (value.TryFormat(text, out var n, format, CultureInfo.InvariantCulture)) w.WriteStringValue(text[..n]);
        else w.WriteStringValue(value.ToString(format, CultureInfo.InvariantCulture));
    }
}
