using System.Text;
using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Events;
using Microsoft.AspNetCore.Http;

namespace Clientele.Modules.Success.Contracts;

/// <summary>
/// An uploaded contract file: checked (present, not empty, within the size limit, a PDF or UTF-8
/// text), its text extracted (PdfPig for PDFs), its terms read (the configured model or the built-in extractor), then stored with its parsed terms, entitlements
/// and file in one transaction, counted against the organization's max_storage.
/// </summary>
public static class ContractUpload
{
    public sealed record Upload(string FileName, string ContentType, byte[] Bytes, string Text);

    public static async Task<Upload> ReadAsync(IFormFile file, long maxBytes, CancellationToken ct)
    {
        if (file.Length == 0) throw ProblemException.Validation("file", "is empty");
        if (file.Length > maxBytes) throw ProblemException.Validation("file", $"must be at most {maxBytes} bytes ({file.Length} sent)");
        using var ms = new MemoryStream((int)file.Length);
        await file.CopyToAsync(ms, ct);
        var bytes = ms.ToArray();
        var name = Path.GetFileName(file.FileName ?? "contract");
        var isPdf = bytes.Length > 4 && bytes[0] == '%' && bytes[1] == 'P' && bytes[2] == 'D' && bytes[3] == 'F';
        string text;
        if (isPdf)
        {
            try
            {
                using var pdf = UglyToad.PdfPig.PdfDocument.Open(bytes);
                // Words grouped into lines by their baseline, top to bottom: the extractor reads lines and sentences.
                text = string.Join("\n", pdf.GetPages().SelectMany(p => p.GetWords()
                    .GroupBy(w => Math.Round(w.BoundingBox.Bottom))
                    .OrderByDescending(g => g.Key)
                    .Select(g => string.Join(" ", g.OrderBy(w => w.BoundingBox.Left).Select(w => w.Text)))));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw ProblemException.Validation("file", "could not be read as a PDF");
            }
            if (string.IsNullOrWhiteSpace(text)) throw ProblemException.Validation("file", "has no text layer (a scanned PDF): upload a PDF with text, or the text itself");
            return new Upload(name, "application/pdf", bytes, text);
        }
        if (file.ContentType is { } ctType && !ctType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) && ctType != "application/octet-stream")
            throw ProblemException.Validation("file", "must be a PDF or a text file");
        try { text = new UTF8Encoding(false, true).GetString(bytes); }
        catch (DecoderFallbackException) { throw ProblemException.Validation("file", "must be a PDF or a UTF-8 text file"); }
        if (text.Contains('\0')) throw ProblemException.Validation("file", "must be a PDF or a text file");
        return new Upload(name, "text/plain; charset=utf-8", bytes, text);
    }

    /// <summary>Reads the terms (the configured model, else the built-in extractor: <see cref="ContractModel"/>) before any lock is taken, then stores.</summary>
    public static async Task<Guid> StoreAsync(TenantSession s, ContractModel model, Upload u, Guid? customer, CancellationToken ct)
    {
        var org = s.OrganizationId;
        var reading = await model.ReadAsync(s, u.Text, ct);
        var parsed = reading.Result;
        await s.BeginAsync(ct);
        // One lock per organization: two uploads at once cannot both take the last bytes of storage.
        await s.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('storage:' || $1::text, 0))", [org], ct);
        var used = await s.ScalarAsync<long>("SELECT coalesce(sum(size_bytes), 0)::bigint FROM contract_files WHERE organization_id = $1", [org], ct);
        await s.ExecuteAsync("SELECT platform_plan_limit($1, 'storage', $2, $3, date_trunc('month', now())::date)", [org, used, (long)u.Bytes.Length], ct);
        var matchedBy = customer is null ? null : "customer_id";
        if (customer is { } given)
        {
            if (await s.ScalarAsync<long>("SELECT count(*) FROM customers WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL", [org, given], ct) == 0)
                throw ProblemException.Validation("customer_id", "is not a customer of this organization");
        }
        else if (parsed.Company is { } company)
        {
            // The company the contract names, when exactly one customer has that name.
            var matches = await s.QueryAsync("""
                SELECT id FROM customers WHERE organization_id = $1 AND deleted_at IS NULL AND (lower(company_name) = lower($2) OR lower(name) = lower($2)) LIMIT 2
                """, [org, company], r => r.GetGuid(0), ct);
            if (matches.Count == 1) (customer, matchedBy) = (matches[0], "company_name");
        }
        var id = Guid.CreateVersion7();
        var parsedData = new JsonObject
        {
            ["extracted_by"] = reading.ExtractedBy, ["fallback_reason"] = reading.FallbackReason, ["company_name"] = parsed.Company, ["arr"] = parsed.Arr, ["contract_term"] = parsed.Term,
            ["start_date"] = parsed.Start?.ToString("yyyy-MM-dd"), ["end_date"] = parsed.End?.ToString("yyyy-MM-dd"),
            ["customer_matched_by"] = matchedBy, ["evidence"] = parsed.Evidence,
            ["entitlements"] = new JsonArray([.. parsed.Entitlements.Select(e => (JsonNode)new JsonObject { ["name"] = e.Name, ["quantity"] = e.Quantity, ["unit"] = e.Unit, ["price"] = e.Price, ["evidence"] = e.Evidence })]),
            ["characters"] = u.Text.Length,
        };
        await s.ExecuteAsync("""
            INSERT INTO contracts (id, organization_id, customer_id, file_url, file_name, raw_text, company_name, arr, contract_term, start_date, end_date, status,
                                   parsed_data, pricing_terms, technical_requirements, missing_info, next_steps)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12, $13, $14, $15, $16)
            """, [id, org, SqlArg.Uuid(customer), $"/api/v1/contracts/{id}/file", u.FileName, u.Text.Replace("\0", ""), SqlArg.Text(parsed.Company),
                SqlArg.Typed(parsed.Arr, NpgsqlTypes.NpgsqlDbType.Numeric), SqlArg.Text(parsed.Term), SqlArg.Typed(parsed.Start, NpgsqlTypes.NpgsqlDbType.Date),
                SqlArg.Typed(parsed.End is { } e0 && parsed.Start is { } s0 && e0 < s0 ? null : parsed.End, NpgsqlTypes.NpgsqlDbType.Date),
                parsedData, parsed.PricingTerms, parsed.TechnicalRequirements, parsed.MissingInfo, parsed.NextSteps], ct);
        await s.ExecuteAsync("INSERT INTO contract_files (id, organization_id, contract_id, file_name, content_type, size_bytes, data) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [Guid.CreateVersion7(), org, id, u.FileName, u.ContentType, (long)u.Bytes.Length, u.Bytes], ct);
        foreach (var e in parsed.Entitlements)
            await s.ExecuteAsync("""
                INSERT INTO entitlements (id, organization_id, contract_id, name, quantity, unit, price, category, metadata)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """, [Guid.CreateVersion7(), org, id, e.Name, SqlArg.Typed(e.Quantity, NpgsqlTypes.NpgsqlDbType.Integer), SqlArg.Text(e.Unit),
                    SqlArg.Typed(e.Price, NpgsqlTypes.NpgsqlDbType.Numeric), e.Category, new JsonObject { ["evidence"] = e.Evidence, ["extracted_by"] = reading.ExtractedBy }], ct);
        await AuditWriter.WriteAsync(s, "contracts", id, "create", new JsonObject { ["after"] = new JsonObject { ["file_name"] = u.FileName, ["size_bytes"] = u.Bytes.Length } }, ct);
        await DomainEvents.PublishRowAsync(s, "contracts", id, ct, null, "contracts.created", "contract.parsed");
        return id;
    }
}
