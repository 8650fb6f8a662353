using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Success.Health;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Events;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Success.Contracts;

/// <summary>
/// Contracts (issue 11 item 7): POST /api/v1/contracts as multipart/form-data (file: a PDF or a
/// text file; customer_id optional) stores the file, extracts its text (PdfPig) and its terms (the
/// configured model or the built-in extractor, with evidence: ContractModel), creates the entitlements, and answers the parsed contract
/// (status pending, for review). A JSON body still creates a contract row like any resource.
/// POST /contracts/{id}/activate makes it the customer's active contract: its end date feeds the
/// renewal pipeline (the health computation runs for the customer at once).
/// </summary>
public static class ContractsApi
{
    public const long DefaultMaxBytes = 10 * 1024 * 1024;

    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("").WithTags("Success");
        g.MapPost("/contracts", Create).WithName("CreateContract").DisableAntiforgery()
            .WithSummary("multipart/form-data with file (PDF or text, at most Success:ContractMaxBytes, 10 MB) and optional customer_id: stored, text extracted, terms and entitlements parsed with evidence (201, status pending); a JSON body creates the row as given");
        g.MapGet("/contracts/{id}/file", File).WithName("ContractFile").WithSummary("The uploaded file of the contract");
        g.MapPost("/contracts/{id}/activate", Activate).WithName("ActivateContract")
            .WithSummary("Review done: status active (needs a customer); its end date becomes the customer's renewal in the pipeline when within 120 days");
        g.MapPost("/contracts/{id}/create_subscription", CreateSubscription).WithName("CreateSubscriptionFromContract")
            .WithSummary("Queues a create_subscription approval with the contract's plan, seats, cycle, ARR and period (202 {approval_id, status}); the one already pending or executed is answered again (200); 409 naming customer_id, plan or arr when the contract lacks them. Approving creates the subscription once.");
        g.MapGet("/contracts/{id}/subscription_request", SubscriptionRequest).WithName("ContractSubscriptionRequest")
            .WithSummary("The contract's latest create_subscription approval: approval_id, status, subscription_id once executed (404 when none)");
    }

    private static async Task<IResult> CreateSubscription(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No contract with id {id}.");
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        var (state, created) = await ContractSubscription.RequestAsync(s, guid, DateTime.UtcNow, ct);
        await s.CommitAsync(ct);
        return new JsonBytesResult(JsonSerializer.SerializeToUtf8Bytes(state.ToJson(guid)), created ? 202 : 200, null, $"/api/v1/approvals/{state.ApprovalId}");
    }

    private static async Task<IResult> SubscriptionRequest(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No contract with id {id}.");
        await using var s = sessions.Open(tenant);
        var state = await ContractSubscription.StateAsync(s, guid, ctx.RequestAborted) ?? throw ProblemException.NotFound($"No subscription request for contract {id}.");
        return new JsonBytesResult(JsonSerializer.SerializeToUtf8Bytes(state.ToJson(guid)), 200);
    }

    private static async Task<IResult> Create(HttpContext ctx, TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store, IConfiguration config,
        ContractModel model)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        var def = registry.Find("contracts")!;
        var ct = ctx.RequestAborted;
        if (!ctx.Request.HasFormContentType)
        {
            var body = BodyBinder.ParseObject(await JsonBody.ReadBytesAsync(ctx));
            await using var js = sessions.Open(tenant);
            var created = await store.CreateAsync(js, def, body, ct);
            return new JsonBytesResult(created.Json, 201, created.ETag, $"/api/v1/contracts/{created.Id}");
        }
        var max = config.GetValue<long?>("Success:ContractMaxBytes") ?? DefaultMaxBytes;
        IFormCollection form;
        try { form = await ctx.Request.ReadFormAsync(ct); }
        catch (InvalidDataException) { throw ProblemException.Validation("file", $"must be at most {max} bytes"); }
        var file = form.Files.GetFile("file") ?? throw ProblemException.Validation("file", "is required: a PDF or a text file");
        Guid? customer = null;
        if (form.TryGetValue("customer_id", out var rawCustomer) && rawCustomer.ToString().Length > 0)
            customer = Guid.TryParse(rawCustomer.ToString(), out var cg) ? cg : throw ProblemException.Validation("customer_id", "must be a customer id");
        var upload = await ContractUpload.ReadAsync(file, max, ct);
        await using var s = sessions.Open(tenant);
        var id = await ContractUpload.StoreAsync(s, model, upload, customer, ct);
        var result = await store.GetAsync(s, def, id, [], false, ct);
        await s.CommitAsync(ct);
        return new JsonBytesResult(result.Json, 201, result.ETag, $"/api/v1/contracts/{id}");
    }

    private static async Task<IResult> File(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No contract with id {id}.");
        await using var s = sessions.Open(tenant);
        var f = await s.QueryFirstAsync("SELECT file_name, content_type, data FROM contract_files WHERE organization_id = $1 AND contract_id = $2", [s.OrganizationId, guid],
            r => (Name: r.GetString(0), Type: r.GetString(1), Data: (byte[])r.GetValue(2)), ctx.RequestAborted);
        if (f.Name is null) throw ProblemException.NotFound($"No uploaded file for contract {id}.");
        return TypedResults.File(f.Data, f.Type, f.Name);
    }

    private static async Task<IResult> Activate(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No contract with id {id}.");
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        await ActivateAsync(s, guid, ct);
        var result = await store.GetAsync(s, registry.Find("contracts")!, guid, [], false, ct);
        await s.CommitAsync(ct);
        return new JsonBytesResult(result.Json, 200, result.ETag);
    }

    /// <summary>pending/draft → active, in the caller's session; the customer's health (and renewal) is recomputed with it.</summary>
    public static async Task ActivateAsync(TenantSession s, Guid contract, CancellationToken ct)
    {
        var row = await s.QueryFirstAsync("SELECT status, customer_id FROM contracts WHERE organization_id = $1 AND id = $2 FOR UPDATE", [s.OrganizationId, contract],
            r => (Status: r.GetString(0), Customer: r.IsDBNull(1) ? (Guid?)null : r.GetGuid(1)), ct);
        if (row.Status is null) throw ProblemException.NotFound($"No contract with id {contract}.");
        if (row.Customer is not { } customer) throw ProblemException.Validation("customer_id", "is empty: set the customer (PATCH customer_id) before activating the contract");
        if (row.Status is not ("pending" or "draft")) throw ProblemException.Conflict($"The contract is {row.Status}; only a pending or draft contract is activated.");
        await s.ExecuteAsync("UPDATE contracts SET status = 'active' WHERE organization_id = $1 AND id = $2", [s.OrganizationId, contract], ct);
        await AuditWriter.WriteAsync(s, "contracts", contract, "update", new JsonObject
        {
            ["before"] = new JsonObject { ["status"] = row.Status }, ["after"] = new JsonObject { ["status"] = "active" },
        }, ct);
        await DomainEvents.PublishRowAsync(s, "contracts", contract, ct, new JsonObject { ["status"] = row.Status }, "contracts.updated", "contract.activated");
        await HealthRecompute.RunAsync(s, [customer], DateTime.UtcNow, "event:contract.activated", ct);
    }
}
