using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Hosting;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Clientele.Modules.Analytics.Experiments;

/// <summary>
/// Experiments on an AI agent (issue 14 item 3): POST /api/v1/experiments starts one (admins),
/// POST /api/v1/experiments/{test_name}/stop ends it, GET /api/v1/experiments/{test_name}/results
/// reads it. The rows are also the read-only resource /api/v1/agent_experiments.
/// </summary>
public sealed class ExperimentsModule : IModule
{
    public void ConfigureResources(ResourceOptions r) =>
        r.Table("agent_experiments").ReadOnly()
            .Describe("Experiments on an AI agent: weighted variants of prompt, model or temperature. Start with POST /api/v1/experiments; results at /api/v1/experiments/{test_name}/results.");

    public void MapEndpoints(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/experiments").WithTags("experiments");
        g.MapPost("/", StartAsync).WithName("StartExperiment").WithSummary("Start an experiment on an AI agent: {test_name, agent_id, variants: [{name, weight, prompt?, model?, temperature?}]}");
        g.MapPost("/{testName}/stop", StopAsync).WithName("StopExperiment").WithSummary("Stop assigning new conversations (results stay)");
        g.MapGet("/{testName}/results", ResultsAsync).WithName("ExperimentResults").WithSummary("Per variant: assigned, ended, AI resolution rate with 95% CI, escalation, CSAT, first response; the significance verdict");
    }

    public sealed record StartRequest(string? TestName, Guid? AgentId, JsonElement? Variants);

    private static async Task<IResult> StartAsync(HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        if (!tenant.IsAdmin) throw ProblemException.Forbidden("Starting an experiment needs the admin or owner role.");
        var req = await JsonBody.ReadAsync<StartRequest>(ctx);
        var errors = new Dictionary<string, string[]>();
        var name = req.TestName?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100 || !System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9][a-z0-9_-]*$"))
            errors["test_name"] = ["must be 1 to 100 lowercase letters, digits, '-' or '_'"];
        if (req.AgentId is null) errors["agent_id"] = ["is required"];
        var (variants, variantErrors) = ExperimentVariants.Parse(req.Variants);
        foreach (var (k, v) in variantErrors) errors[k] = v;
        if (errors.Count > 0) throw ProblemException.Validation(errors);
        await using var s = sessions.Open(tenant);
        if (await s.ScalarAsync<long>("SELECT count(*) FROM agents WHERE organization_id = $1 AND id = $2", [tenant.OrganizationId, req.AgentId!.Value], ctx.RequestAborted) == 0)
            throw ProblemException.Validation("agent_id", "is not an agent of this organization");
        var id = Guid.CreateVersion7();
        try
        {
            await s.ExecuteAsync("""
                INSERT INTO agent_experiments (id, organization_id, test_name, agent_id, variants, status, created_by, updated_by)
                VALUES ($1, $2, $3, $4, $5, 'running', $6, $6)
                """, [id, tenant.OrganizationId, name, req.AgentId.Value, new JsonArray(variants!.Select(v => (JsonNode)v.ToJson()).ToArray()), SqlArg.Uuid(tenant.UserId)], ctx.RequestAborted);
            await s.CommitAsync(ctx.RequestAborted);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw ProblemException.Conflict(e.ConstraintName == "agent_experiments_one_running_per_agent"
                ? "This agent already runs an experiment; stop it first."
                : $"An experiment named {name} exists already.");
        }
        return Results.Json(await ExperimentResults.ComputeAsync(s, name!, ctx.RequestAborted), statusCode: 201);
    }

    private static async Task<IResult> StopAsync(string testName, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        if (!tenant.IsAdmin) throw ProblemException.Forbidden("Stopping an experiment needs the admin or owner role.");
        await using var s = sessions.Open(tenant);
        var status = await s.ScalarAsync<string>("SELECT status FROM agent_experiments WHERE organization_id = $1 AND test_name = $2 FOR UPDATE", [tenant.OrganizationId, testName], ctx.RequestAborted);
        if (status is null) throw ProblemException.NotFound($"No experiment named {testName}.");
        if (status == "stopped") ActionOutcome.NotIn("stopped", "it is stopped already.").ThrowIfRefused();
        await s.ExecuteAsync("UPDATE agent_experiments SET status = 'stopped', stopped_at = now(), updated_by = $3 WHERE organization_id = $1 AND test_name = $2",
            [tenant.OrganizationId, testName, SqlArg.Uuid(tenant.UserId)], ctx.RequestAborted);
        await s.CommitAsync(ctx.RequestAborted);
        return Results.Json(await ExperimentResults.ComputeAsync(s, testName, ctx.RequestAborted));
    }

    private static async Task<IResult> ResultsAsync(string testName, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        await using var s = sessions.Open(tenant);
        return Results.Json(await ExperimentResults.ComputeAsync(s, testName, ctx.RequestAborted) ?? throw ProblemException.NotFound($"No experiment named {testName}."));
    }
}
