using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Clientele.Platform.Demo;
using Clientele.Platform.Resources;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>One tenant with the demo data in every module: each resource has a row to PATCH.</summary>
public sealed class ResourceFuzzFixture : AppFixture
{
    public Tenant Owner { get; private set; } = null!;
    public Dictionary<string, Guid> RowOf { get; } = [];
    public ResourceRegistry Registry => App.Services.GetRequiredService<ResourceRegistry>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Owner = await SignupAsync();
        await DemoSeeder.FillAsync(App.Services, Owner.OrganizationId, Owner.UserId, CancellationToken.None);
        await using var db = await OwnerAsync();
        var sql = string.Join(" UNION ALL ", Registry.All.Select(d => $"(SELECT '{d.Table}', id FROM \"{d.Table}\" WHERE organization_id = $1 LIMIT 1)"));
        await using var cmd = new NpgsqlCommand(sql, db);
        cmd.Parameters.AddWithValue(Owner.OrganizationId);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) RowOf[r.GetString(0)] = r.GetGuid(1);
    }

    /// <summary>Per resource: row count and a hash of every row of the tenant, in one query.</summary>
    public async Task<Dictionary<string, (long Count, long Hash)>> SnapshotAsync()
    {
        await using var db = await OwnerAsync();
        var sql = string.Join(" UNION ALL ", Registry.All.Select(d =>
            $"SELECT '{d.Table}', count(*), coalesce(sum(hashtext(x::text)::bigint), 0)::bigint FROM \"{d.Table}\" x WHERE organization_id = $1"));
        await using var cmd = new NpgsqlCommand(sql, db);
        cmd.Parameters.AddWithValue(Owner.OrganizationId);
        await using var r = await cmd.ExecuteReaderAsync();
        var result = new Dictionary<string, (long, long)>();
        while (await r.ReadAsync()) result[r.GetString(0)] = (r.GetInt64(1), r.GetInt64(2));
        return result;
    }
}

/// <summary>
/// Issue 8 standing fuzz test: for every registered resource (so every future table is covered
/// without a line here), malformed bodies, wrong types per column and malformed filters are
/// answered with a 4xx problem naming the field, never a 5xx, and change no row.
/// </summary>
public sealed class ResourceFuzzTests(ResourceFuzzFixture app) : IClassFixture<ResourceFuzzFixture>
{
    private sealed record Probe(string What, HttpMethod Method, string Url, byte[]? Body, string? Field);
    private sealed record Answer(Probe Probe, int Status, string Text);

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
    private static byte[] WithBadUtf8(string before, string after) => [.. Utf8(before), 0xC3, 0x28, .. Utf8(after)];

    /// <summary>JSON values of the wrong type (or out of range) for a column, with what they test.</summary>
    private static IEnumerable<(string What, string Json)> WrongValues(ResourceColumn col)
    {
        var kind = col.Kind == ColumnKind.Array ? col.ElementKind : col.Kind;
        if (col.Kind == ColumnKind.Array) { yield return ("not an array", "\"x\""); yield return ("null element", "[null]"); }
        switch (col.Kind == ColumnKind.Array ? ColumnKind.Array : kind)
        {
            case ColumnKind.Text:
                yield return ("number for text", "12345");
                yield return ("NUL", "\"a\\u0000b\"");
                yield return ("lone surrogate", "\"a\\ud800b\"");
                if (col.MaxLength is { } max) yield return ("too long", $"\"{new string('x', max + 1)}\"");
                break;
            case ColumnKind.Int16 or ColumnKind.Int32 or ColumnKind.Int64:
                yield return ("text for integer", "\"abc\"");
                yield return ("fraction for integer", "1.5");
                yield return ("huge integer", "1e400");
                break;
            case ColumnKind.Decimal: yield return ("text for decimal", "\"abc\""); yield return ("huge decimal", "1e400"); break;
            case ColumnKind.Double: yield return ("1e400 float", "1e400"); yield return ("text for float", "\"NaN\""); break;
            case ColumnKind.Bool: yield return ("text for bool", "\"yes\""); yield return ("number for bool", "1"); break;
            case ColumnKind.Uuid: yield return ("bad uuid", "\"not-a-uuid\""); yield return ("number for uuid", "42"); break;
            case ColumnKind.Timestamp: yield return ("bad timestamp", "\"2024-13-45T99:00:00Z\""); yield return ("NUL timestamp", "\"2024\\u0000\""); break;
            case ColumnKind.Date: yield return ("bad date", "\"2024-02-30\""); break;
            case ColumnKind.Time: yield return ("bad time", "\"25:99\""); break;
            case ColumnKind.Inet: yield return ("bad inet", "\"999.1.1.1\""); break;
            case ColumnKind.Bytes: yield return ("bad base64", "\"!!!\""); break;
            case ColumnKind.Json: yield return ("NUL in json", "{\"k\":\"a\\u0000b\"}"); yield return ("lone surrogate in json", "[\"\\udc00\"]"); break;
        }
    }

    private static IEnumerable<Probe> BodyProbes(ResourceDefinition def, HttpMethod method, string url)
    {
        var writable = def.Columns.Where(c => !c.ReadOnly && !c.IsComputed).ToList();
        var text = writable.FirstOrDefault(c => c.Kind == ColumnKind.Text)?.Name ?? "name";
        yield return new($"{def.Table}: invalid UTF-8", method, url, WithBadUtf8($"{{\"{text}\":\"", "\"}"), text);
        yield return new($"{def.Table}: duplicate key", method, url, Utf8($"{{\"{text}\":\"a\",\"{text}\":\"b\"}}"), text);
        yield return new($"{def.Table}: array root", method, url, Utf8("[]"), null);
        yield return new($"{def.Table}: truncated", method, url, Utf8("{\"a\":"), null);
        yield return new($"{def.Table}: deep", method, url, Utf8(new string('[', 100) + new string(']', 100)), null);
        foreach (var col in writable)
            foreach (var (what, json) in WrongValues(col))
                yield return new($"{def.Table}.{col.Name}: {what}", method, url, Utf8($"{{\"{col.Name}\":{json}}}"), col.Name);
    }

    private static IEnumerable<Probe> FilterProbes(ResourceDefinition def)
    {
        var list = $"/api/v1/{def.Table}";
        yield return new($"{def.Table}: order=--id", HttpMethod.Get, list + "?order=--id", null, "order");
        yield return new($"{def.Table}: limit=abc", HttpMethod.Get, list + "?limit=abc", null, "limit");
        yield return new($"{def.Table}: bad cursor", HttpMethod.Get, list + "?cursor=%FF%00", null, "cursor");
        foreach (var col in def.Columns.Where(c => !c.Secret && !c.IsComputed))
        {
            var c = col.Name;
            yield return new($"{def.Table}.{c}: NUL filter", HttpMethod.Get, $"{list}?{c}=a%00b", null, c);
            yield return new($"{def.Table}.{c}: NUL in [in]", HttpMethod.Get, $"{list}?{c}[in]=a%00,b", null, $"{c}[in]");
            var kind = col.Kind == ColumnKind.Array ? col.ElementKind : col.Kind;
            if (kind == ColumnKind.Text && col.Kind != ColumnKind.Json) yield return new($"{def.Table}.{c}: like ending in \\", HttpMethod.Get, $"{list}?{c}[like]=%25%25%5C", null, $"{c}[like]");
            else yield return new($"{def.Table}.{c}: wrong type filter", HttpMethod.Get, $"{list}?{c}=1e400x", null, c);
            if (kind == ColumnKind.Double) yield return new($"{def.Table}.{c}: 1e400 filter", HttpMethod.Get, $"{list}?{c}[gt]=1e400", null, $"{c}[gt]");
        }
    }

    private async Task<List<Answer>> SendAllAsync(IEnumerable<Probe> probes)
    {
        var answers = new ConcurrentBag<Answer>();
        await Parallel.ForEachAsync(probes, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (p, ct) =>
        {
            using var req = new HttpRequestMessage(p.Method, p.Url);
            if (p.Body is not null)
            {
                req.Content = new ByteArrayContent(p.Body);
                req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }
            using var res = await app.Owner.Http.SendAsync(req, ct);
            answers.Add(new Answer(p, (int)res.StatusCode, await res.Content.ReadAsStringAsync(ct)));
        });
        return [.. answers];
    }

    private static string Report(IEnumerable<Answer> bad) =>
        string.Join("\n", bad.Take(40).Select(a => $"{a.Probe.What} ({a.Probe.Method} {a.Probe.Url[..Math.Min(a.Probe.Url.Length, 80)]}) → {a.Status} {a.Text[..Math.Min(a.Text.Length, 300)]}"));

    private static bool NamesField(Answer a) =>
        a.Probe.Field is null || (JsonNode.Parse(a.Text)?["errors"]?[a.Probe.Field] is not null);

    [Fact]
    public async Task Malformed_bodies_and_wrong_types_on_every_resource_are_4xx_problems_and_change_no_row()
    {
        var probes = new List<Probe>();
        foreach (var def in app.Registry.All)
        {
            probes.AddRange(BodyProbes(def, HttpMethod.Post, $"/api/v1/{def.Table}"));
            if (app.RowOf.TryGetValue(def.Table, out var id)) probes.AddRange(BodyProbes(def, HttpMethod.Patch, $"/api/v1/{def.Table}/{id}"));
        }
        var before = await app.SnapshotAsync();
        var answers = await SendAllAsync(probes);
        var after = await app.SnapshotAsync();

        answers.Count.ShouldBeGreaterThan(app.Registry.All.Count() * 10);
        var serverErrors = answers.Where(a => a.Status >= 500).ToList();
        serverErrors.ShouldBeEmpty(Report(serverErrors));
        var accepted = answers.Where(a => a.Status < 400).ToList();
        accepted.ShouldBeEmpty(Report(accepted));
        // A 422 must say which field; 405 (read-only resources) and 403 (admin-only) come before the body is read.
        var unnamed = answers.Where(a => a.Status == 422 && !NamesField(a)).ToList();
        unnamed.ShouldBeEmpty(Report(unnamed));
        var changed = before.Where(kv => after[kv.Key] != kv.Value).Select(kv => $"{kv.Key}: {kv.Value} → {after[kv.Key]}").ToList();
        changed.ShouldBeEmpty(string.Join("\n", changed));
    }

    [Fact]
    public async Task Malformed_filters_on_every_resource_are_400_problems_naming_the_parameter()
    {
        var answers = await SendAllAsync(app.Registry.All.SelectMany(FilterProbes).ToList());
        answers.Count.ShouldBeGreaterThan(app.Registry.All.Count() * 5);
        var serverErrors = answers.Where(a => a.Status >= 500).ToList();
        serverErrors.ShouldBeEmpty(Report(serverErrors));
        var wrong = answers.Where(a => a.Status != 400 || !NamesField(a)).ToList();
        wrong.ShouldBeEmpty(Report(wrong));
    }
}
