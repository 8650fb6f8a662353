using System.Text.Json;
using Clientele.Platform.Database;

namespace Clientele.Modules.Customers.Privacy;

/// <summary>
/// The privacy export: one JSON document with every row about the customer in every table of
/// <see cref="CustomerGraph"/>, written row by row to the stream (a customer with a long history
/// never sits in memory). Every table of the graph is present, with its path from customers and
/// its rows (an empty list when it has none), so the reader sees what was looked at.
/// <code>{"object":"customer_export","customer_id":..,"organization_id":..,"exported_at":..,
///  "tables":{"customers":{"path":"customers","rows":[{..}],"count":1}, "messages":{"path":"customers > conversations > messages",..}}}</code>
/// </summary>
public static class CustomerDataExport
{
    public static string FileName(Guid customerId) => $"customer-{customerId}.json";

    public static async Task WriteAsync(TenantSession s, Guid customerId, DateTimeOffset now, Stream output, CancellationToken ct)
    {
        var graph = await CustomerGraph.ReadAsync(s, ct);
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteString("object", "customer_export");
        json.WriteString("customer_id", customerId);
        json.WriteString("organization_id", s.OrganizationId);
        json.WriteString("exported_at", now);
        json.WriteStartObject("tables");
        foreach (var t in graph)
        {
            json.WriteStartObject(t.Table);
            json.WriteString("path", t.Path);
            json.WriteStartArray("rows");
            var count = 0;
            await using (var r = await s.ReaderAsync(
                $"SELECT to_jsonb(t0)::text FROM {CustomerGraph.Q(t.Table)} t0 WHERE t0.organization_id = $2 AND {t.Where} ORDER BY to_jsonb(t0)->>'id'",
                [customerId, s.OrganizationId], ct))
            {
                while (await r.ReadAsync(ct))
                {
                    json.WriteRawValue(r.GetString(0), skipInputValidation: true);
                    count++;
                    if (json.BytesPending > 64 * 1024) await json.FlushAsync(ct);
                }
            }
            json.WriteEndArray();
            json.WriteNumber("count", count);
            json.WriteEndObject();
            await json.FlushAsync(ct);
        }
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(ct);
    }
}
