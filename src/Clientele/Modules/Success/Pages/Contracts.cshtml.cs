using System.Text.Json.Nodes;
using Clientele.Modules.Success.Contracts;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Success.Pages;

/// <summary>
/// /app/success/contracts: upload a contract (PDF or text) and see it parsed; /app/success/contracts/{id}:
/// the extracted terms with the sentence each came from, the entitlements, what is missing and the
/// next steps, to review; then set the customer if the contract did not name a known one, and activate
/// it (its end date becomes the renewal). The same code as POST /api/v1/contracts.
/// </summary>
public sealed class ContractsModel : ConsolePage
{
    public sealed record Item(Guid Id, string? FileName, string? Company, Guid? CustomerId, string? Customer, decimal? Arr, DateOnly? End, string Status, int Missing, DateTime Created);
    public sealed record Ent(string Name, int? Quantity, string? Unit, decimal? Price, string? Category, string? Evidence);
    public sealed record Detail(Item Contract, string? Term, DateOnly? Start, JsonObject Evidence, JsonArray Pricing, JsonArray Technical, JsonArray Missing, JsonArray Next, IReadOnlyList<Ent> Entitlements, string? ExtractedBy);

    public IReadOnlyList<Item> Items { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Customers { get; private set; } = [];
    public Detail? Current { get; private set; }
    /// <summary>The contract's create_subscription approval, if one was asked for.</summary>
    public ContractSubscription.State? SubscriptionRequest { get; private set; }
    public string? Flash { get; private set; }
    public bool FlashIsError { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? id)
    {
        Flash = TempData["flash"] as string;
        FlashIsError = TempData["flash_error"] is true;
        await LoadAsync(id);
        return id is not null && Current is null ? NotFound() : Page();
    }

    private async Task LoadAsync(Guid? id)
    {
        await using var s = OpenSession();
        var org = s.OrganizationId;
        Items = await s.ReadListAsync("""
            SELECT k.id, k.file_name, k.company_name, k.customer_id, coalesce(c.company_name, c.name, c.email), k.arr, k.end_date, k.status,
                   coalesce(jsonb_array_length(CASE WHEN jsonb_typeof(k.missing_info) = 'array' THEN k.missing_info END), 0), k.created_at
            FROM contracts k LEFT JOIN customers c ON c.organization_id = k.organization_id AND c.id = k.customer_id
            WHERE k.organization_id = $1 AND ($2::uuid IS NULL OR k.id = $2)
            ORDER BY k.created_at DESC, k.id LIMIT 100
            """, [org, SqlArg.Uuid(id)], r => new Item(r.GetGuid(0), S(r, 1), S(r, 2), r.IsDBNull(3) ? null : r.GetGuid(3), S(r, 4), r.IsDBNull(5) ? null : r.GetDecimal(5),
                r.IsDBNull(6) ? null : r.GetFieldValue<DateOnly>(6), r.GetString(7), r.GetInt32(8), DateTime.SpecifyKind(r.GetDateTime(9), DateTimeKind.Utc)), Aborted);
        Customers = await s.ReadListAsync("""
            SELECT id, coalesce(company_name, name, email) FROM customers WHERE organization_id = $1 AND deleted_at IS NULL
            ORDER BY coalesce(company_name, name, email), id LIMIT 1000
            """, [org], r => (r.GetGuid(0), S(r, 1) ?? "—"), Aborted);
        if (id is not { } cid || Items.FirstOrDefault() is not { } item) return;
        var ents = await s.ReadListAsync("SELECT name, quantity, unit, price, category, metadata->>'evidence' FROM entitlements WHERE organization_id = $1 AND contract_id = $2 ORDER BY name, id",
            [org, cid], r => new Ent(r.GetString(0), r.IsDBNull(1) ? null : r.GetInt32(1), S(r, 2), r.IsDBNull(3) ? null : r.GetDecimal(3), S(r, 4), S(r, 5)), Aborted);
        SubscriptionRequest = await ContractSubscription.StateAsync(s, cid, Aborted);
        Current = await s.ReadFirstAsync("""
            SELECT contract_term, start_date, coalesce(parsed_data->'evidence', '{}')::text, coalesce(pricing_terms, '[]')::text, coalesce(technical_requirements, '[]')::text,
                   coalesce(missing_info, '[]')::text, coalesce(next_steps, '[]')::text, parsed_data->>'extracted_by'
            FROM contracts WHERE organization_id = $1 AND id = $2
            """, [org, cid], r => new Detail(item, S(r, 0), r.IsDBNull(1) ? null : r.GetFieldValue<DateOnly>(1), JsonNode.Parse(r.GetString(2)) as JsonObject ?? [],
                Arr(r.GetString(3)), Arr(r.GetString(4)), Arr(r.GetString(5)), Arr(r.GetString(6)), ents, S(r, 7)), Aborted);
    }

    private static string? S(Npgsql.NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static JsonArray Arr(string json) => JsonNode.Parse(json) as JsonArray ?? [];

    public async Task<IActionResult> OnPostUploadAsync(IFormFile? file, Guid? customerId)
    {
        RequireWrite();
        if (file is null) ModelState.AddModelError("file", "Choose a PDF or text file.");
        else
        {
            try
            {
                var max = Service<IConfiguration>().GetValue<long?>("Success:ContractMaxBytes") ?? ContractsApi.DefaultMaxBytes;
                var upload = await ContractUpload.ReadAsync(file, max, Aborted);
                await using var s = OpenSession();
                var id = await ContractUpload.StoreAsync(s, Service<ContractModel>(), upload, customerId, Aborted);
                await s.CommitAsync(Aborted);
                TempData["flash"] = "Contract uploaded and read: review what was found before you activate it.";
                return Redirect($"/app/success/contracts/{id}");
            }
            catch (ProblemException p) when (p.Status is 402 or 422)
            {
                ModelState.AddModelError(p.Errors?.ContainsKey("customer_id") == true ? "customerId" : "file",
                    p.Status == 402 ? p.Detail ?? p.Title : $"The file {p.Errors?.Values.FirstOrDefault()?.FirstOrDefault() ?? p.Detail}.");
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == "CL402")
            {
                ModelState.AddModelError("file", e.MessageText);
            }
        }
        await LoadAsync(null);
        Response.StatusCode = 422;
        return Page();
    }

    /// <summary>"Create subscription": queues the approval (the same code as POST /api/v1/contracts/{id}/create_subscription).</summary>
    public async Task<IActionResult> OnPostSubscriptionAsync(Guid id)
    {
        RequireWrite();
        await using var s = OpenSession();
        try
        {
            var (state, created) = await ContractSubscription.RequestAsync(s, id, DateTime.UtcNow, Aborted);
            await s.CommitAsync(Aborted);
            TempData["flash"] = created ? "Subscription requested: it is created when someone approves it in Approvals."
                : $"A subscription request for this contract is already {state.Status}.";
        }
        catch (ProblemException p) when (p.Status == 409)
        {
            TempData["flash"] = p.Errors is { Count: > 0 } e
                ? "Not enough to make a subscription: " + string.Join("; ", e.Select(kv => $"{kv.Key.Replace('_', ' ')} {kv.Value.FirstOrDefault()}"))
                : p.Detail;
            TempData["flash_error"] = true;
        }
        return Redirect($"/app/success/contracts/{id}");
    }

    public async Task<IActionResult> OnPostActivateAsync(Guid id, Guid? customerId)
    {
        RequireWrite();
        await using var s = OpenSession();
        try
        {
            if (customerId is { } cust)
            {
                await s.BeginAsync(Aborted);
                await s.ExecuteAsync("UPDATE contracts SET customer_id = $3 WHERE organization_id = $1 AND id = $2 AND customer_id IS NULL AND EXISTS (SELECT 1 FROM customers c WHERE c.organization_id = $1 AND c.id = $3 AND c.deleted_at IS NULL)",
                    [s.OrganizationId, id, cust], Aborted);
            }
            await ContractsApi.ActivateAsync(s, id, Aborted);
            await s.CommitAsync(Aborted);
            TempData["flash"] = "Contract active: its end date now plans the customer's renewal.";
        }
        catch (ProblemException p) when (p.Status is 409 or 422)
        {
            TempData["flash"] = p.Status == 422 ? "Choose the customer this contract belongs to, then activate it." : p.Detail;
            TempData["flash_error"] = true;
        }
        return Redirect($"/app/success/contracts/{id}");
    }
}
