using System.Globalization;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Customers;

/// <summary>
/// GET /api/v1/customers/export (CSV of every customer that matches the console table's filter)
/// and GET /api/v1/customers/{id}/timeline (the merged, keyset-paged history of the customer).
/// The console's customer pages read the same services.
/// </summary>
public static class CustomerExportApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/customers/export", Export).WithTags("Customers").WithName("ExportCustomers")
            .WithSummary("Every customer matching q, plan, health_below, at_risk, segment, csm as CSV (sort as the console table), streamed");
        api.MapGet("/customers/{id}/timeline", Timeline).WithTags("Customers").WithName("CustomerTimeline")
            .WithSummary("The customer's timeline newest first: conversations, messages, notes, meetings, invoices, payments, health events, risk signals, sales activities, audit; ?before=<next_cursor>&limit=");
    }

    /// <summary>Validates the filter first (a 400 problem, before any byte of CSV), then streams.</summary>
    public static async Task Export(HttpContext ctx, TenantSessions sessions, TenantContext tenant, TimeProvider clock)
    {
        var errors = new FieldErrors();
        var filter = CustomerFilter.Parse(ctx.Request.Query, errors);
        errors.ThrowIfAny(400);
        await using var s = sessions.Open(tenant);
        ctx.Response.ContentType = "text/csv; charset=utf-8";
        ctx.Response.Headers.ContentDisposition = $"attachment; filename=\"{CustomerCsvExport.FileName(clock.GetUtcNow())}\"";
        ctx.Response.Headers.CacheControl = "no-store";
        await CustomerCsvExport.WriteAsync(s, filter, ctx.Response.Body, ctx.RequestAborted);
    }

    private static async Task<IResult> Timeline(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var q = ctx.Request.Query;
        var errors = new FieldErrors();
        var limit = CustomerTimeline.PageSize;
        if (q.TryGetValue("limit", out var l) && (!int.TryParse(l, out limit) || limit is < 1 or > 200)) errors.Add("limit", "must be an integer from 1 to 200");
        var before = KeysetCursor.Decode(q["before"], errors, "before");
        errors.ThrowIfAny(400);
        if (!Guid.TryParse(id, out var customerId)) throw ProblemException.NotFound($"No customer with id {id}.");
        await using var s = sessions.Open(tenant);
        if (!await ExistsAsync(s, customerId, ctx.RequestAborted)) throw ProblemException.NotFound($"No customer with id {id}.");
        var page = await CustomerTimeline.ReadAsync(s, customerId, before, limit, ctx.RequestAborted);
        var data = new JsonArray(page.Items.Select(i => (JsonNode)new JsonObject
        {
            ["at"] = i.At.ToString("O", CultureInfo.InvariantCulture), ["kind"] = i.Kind, ["id"] = i.Id.ToString(), ["title"] = i.Title, ["detail"] = i.Detail,
            ["conversation_id"] = i.Ref?.ToString(),
        }).ToArray());
        return Results.Text(new JsonObject
        {
            ["object"] = "list", ["data"] = data, ["has_more"] = page.Next is not null, ["next_cursor"] = page.Next?.Encode(),
        }.ToJsonString(), "application/json");
    }

    public static async Task<bool> ExistsAsync(TenantSession s, Guid customerId, CancellationToken ct)
    {
        await using var r = await s.ReadAsync("SELECT 1 FROM customers WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL",
            [new Npgsql.NpgsqlParameter { Value = s.OrganizationId }, new Npgsql.NpgsqlParameter { Value = customerId }], ct);
        return await r.ReadAsync(ct);
    }
}
