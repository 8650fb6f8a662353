using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Customers.Privacy;

/// <summary>
/// Privacy requests (issue 13 item 5), admins and owners only:
/// POST /api/v1/customers/{id}/export (a JSON file of everything about the customer) and
/// POST /api/v1/customers/{id}/erase (anonymise, keep aggregates, audit; idempotent).
/// The console's customer page runs the same two services.
/// </summary>
public static class PrivacyApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/customers/{id}/export", Export).WithTags("Customers").WithName("ExportCustomerData")
            .WithSummary("Privacy export (admins): a JSON file with the customer's rows in every table that references the customer, directly or through contacts, conversations, invoices, subscriptions, ...");
        api.MapPost("/customers/{id}/erase", Erase).WithTags("Customers").WithName("EraseCustomerData")
            .WithSummary("Privacy erase (admins): anonymises the customer's personal data in every table, keeps amounts and counts, writes the audit log; a second call changes nothing");
    }

    private static async Task Export(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant, TimeProvider clock) =>
        await StreamExportAsync(ctx, sessions, tenant, ParseId(id, tenant), clock);

    private static async Task<IResult> Erase(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var customerId = ParseId(id, tenant);
        await using var s = sessions.Open(tenant);
        var result = await CustomerErasure.EraseAsync(s, customerId, ctx.RequestAborted) ?? throw NotFound(id);
        await s.CommitAsync(ctx.RequestAborted);
        return Results.Text(ToJson(customerId, result).ToJsonString(), "application/json");
    }

    /// <summary>Audits the export (committed first: the file may be large), then streams it as an attachment.
    /// False when the customer is not in the organization (nothing written).</summary>
    public static async Task<bool> StreamExportAsync(HttpContext ctx, TenantSessions sessions, TenantContext tenant, Guid customerId, TimeProvider clock, bool throwIfMissing = true)
    {
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        if (!await ExistsAsync(s, customerId, ct))
        {
            if (throwIfMissing) throw NotFound(customerId.ToString());
            return false;
        }
        await AuditWriter.WriteAsync(s, "customers", customerId, "export", null, ct);
        await ActivityFeed.WriteAsync(s, "customer.exported", "customers", customerId, null, null, ct);
        await s.CommitAsync(ct);
        ctx.Response.ContentType = "application/json; charset=utf-8";
        ctx.Response.Headers.ContentDisposition = $"attachment; filename=\"{CustomerDataExport.FileName(customerId)}\"";
        ctx.Response.Headers.CacheControl = "no-store";
        await CustomerDataExport.WriteAsync(s, customerId, clock.GetUtcNow(), ctx.Response.Body, ct);
        await s.RollbackAsync(ct);
        return true;
    }

    /// <summary>Soft-deleted customers count: their data is still stored, so it can be exported and erased.</summary>
    public static async Task<bool> ExistsAsync(TenantSession s, Guid customerId, CancellationToken ct) =>
        await s.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM customers WHERE organization_id = $1 AND id = $2)", [s.OrganizationId, customerId], ct);

    public static JsonObject ToJson(Guid customerId, ErasureResult r) => new()
    {
        ["object"] = "customer_erasure",
        ["customer_id"] = customerId.ToString(),
        ["erased_at"] = r.ErasedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["already_erased"] = r.AlreadyErased,
        ["anonymised"] = new JsonObject(r.Anonymised.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        ["other_rows"] = r.OtherRows,
    };

    private static Guid ParseId(string id, TenantContext tenant)
    {
        if (!tenant.IsAdmin) throw ProblemException.Forbidden("Privacy export and erase need the admin or owner role.");
        return Guid.TryParse(id, out var g) ? g : throw NotFound(id);
    }

    private static ProblemException NotFound(string id) => ProblemException.NotFound($"No customer with id {id}.");
}
