using System.Net.Http.Headers;
using System.Text.Json;

namespace Clientele.Bench;

/// <summary>Request bodies written with Utf8JsonWriter into one buffer: an object whose members the caller writes.</summary>
public static class JsonBodies
{
    public static ByteArrayContent Write(Action<Utf8JsonWriter> members)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256 * 1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            members(w);
            w.WriteEndObject();
        }
        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
