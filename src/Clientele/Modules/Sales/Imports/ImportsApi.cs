using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Sales.Imports;

/// <summary>
/// POST /api/v1/imports (multipart/form-data: file, table, mapping?, dry_run?): runs the import and
/// answers its imports row (counts, per-row errors); GET /api/v1/imports/{id} (the generic read-only
/// resource) shows its progress while it runs. docs/sales.md, "Import and export".
/// </summary>
public static class ImportsApi
{
    public const long MaxBytes = 64L * 1024 * 1024;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/imports", Create).WithTags("Sales").WithName("CreateImport")
            .WithSummary("multipart/form-data: file (CSV with a header line), table (customers, leads, companies, prospects, solutions), mapping? (JSON {\"CSV header\": \"column\" or null}), dry_run? (true: report only): rows upserted by email (people), name + website (companies) or name (solutions); 201 with counts and per-row errors");

    private static async Task<IResult> Create(HttpContext ctx, ImportRunner runner, TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot import data.");
        var ct = ctx.RequestAborted;
        if (!ctx.Request.HasFormContentType)
            throw new ProblemException(415, "Unsupported media type", "Send the CSV as multipart/form-data (fields file, table, mapping, dry_run).");
        // The host's 1 MB body limit (ClienteleHost.MaxBodyBytes) is for JSON; an import's CSV may be up to 64 MB, plus the form's own bytes.
        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBytes + 1024 * 1024;
        IFormCollection form;
        try { form = await ctx.Request.ReadFormAsync(ct); }
        catch (InvalidDataException) { throw ProblemException.Validation("file", $"must be at most {MaxBytes / 1024 / 1024} MB"); }
        var request = Parse(form);
        var id = await runner.RunAsync(tenant, request, null, ct);
        await using var s = sessions.Open(tenant);
        var row = await store.GetAsync(s, registry.Find("imports")!, id, [], false, ct);
        return new JsonBytesResult(row.Json, 201, row.ETag, $"/api/v1/imports/{id}");
    }

    public static ImportRunner.Request Parse(IFormCollection form)
    {
        var errors = new FieldErrors();
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0) errors.Add("file", "is required: a CSV file with a header line");
        else if (file.Length > MaxBytes) errors.Add("file", $"must be at most {MaxBytes / 1024 / 1024} MB");
        var table = form["table"].ToString();
        if (!ImportTables.All.Contains(table)) errors.Add("table", "must be one of " + string.Join(", ", ImportTables.All));
        JsonObject? mapping = null;
        if (form["mapping"].ToString() is { Length: > 0 } m)
        {
            try
            {
                mapping = JsonNode.Parse(m) as JsonObject;
                if (mapping is null || mapping.Any(kv => kv.Value is not null && kv.Value.GetValueKind() != JsonValueKind.String))
                    errors.Add("mapping", "must be a JSON object of \"CSV header\": \"column\" (or null to skip the column)");
            }
            catch (JsonException) { errors.Add("mapping", "is not valid JSON"); }
        }
        var dry = form["dry_run"].ToString();
        if (dry is not ("" or "true" or "false" or "1" or "0")) errors.Add("dry_run", "must be true or false");
        errors.ThrowIfAny();
        using var stream = file!.OpenReadStream();
        return new ImportRunner.Request(table, ImportFile.Read(stream), mapping, dry is "true" or "1", file.FileName);
    }
}
