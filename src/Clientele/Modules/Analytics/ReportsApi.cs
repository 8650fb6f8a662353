using System.Text.Json;
using Clientele.Modules.Analytics.Reports;
using Clientele.Modules.Analytics.Rollups;
using Clientele.Platform.Database;
using Clientele.Platform.Http;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Clientele.Modules.Analytics;

/// <summary>Seed 002's reporting views: the organization summary (with the 30-day metrics view) and user activity.</summary>
public static class ReportsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/organization/summary", Summary).WithTags("Reports").WithName("OrganizationSummary")
            .WithSummary("organization_summary plus the last 30 days from mv_organization_metrics (refreshed hourly)");
        api.MapGet("/users/activity", UserActivity).WithTags("Reports").WithName("UserActivity")
            .WithSummary("user_activity_summary: each user's last activity, agents created and activities (?limit=1..500, default 500)");
        api.MapGet("/reports/{name}", Report).WithTags("Reports").WithName("ReportSeries")
            .WithSummary("A time series from the rollups: conversations, agents, usage or features (?from=&to=&granularity=day|week|month&channel=&agent=)");
        api.MapPost("/analytics/rollup", Rollup).WithTags("Reports").WithName("RunRollup")
            .WithSummary("Re-run the rollups for past days {from, to} (admins; at most 366 days; same rows, same result)");
    }

    private static async Task<IResult> Report(string name, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        var zone = await AnalyticsRollup.ZoneAsync(s, ct);
        var q = ReportRequest.Parse(name, ctx.Request.Query, AnalyticsRollup.LocalToday(DateTime.UtcNow, zone), zone);
        var json = await ReportQueries.RunAsync(s, q, ct);
        await s.CommitAsync(ct);
        return Results.Text(json.ToJsonString(), "application/json");
    }

    private sealed record RollupBody(DateOnly? From, DateOnly? To);

    private static async Task<IResult> Rollup(HttpContext ctx, TenantSessions sessions, TenantContext tenant, AnalyticsRollup rollup)
    {
        if (!tenant.IsAdmin) throw ProblemException.Forbidden("Only owners and admins re-run the rollups.");
        var body = await JsonBody.ReadAsync<RollupBody>(ctx);
        var ct = ctx.RequestAborted;
        string zone;
        await using (var s = sessions.Open(tenant)) zone = await AnalyticsRollup.ZoneAsync(s, ct);
        var today = AnalyticsRollup.LocalToday(DateTime.UtcNow, zone);
        var errors = new FieldErrors();
        if (body.From is null) errors.Add("from", "is required (YYYY-MM-DD)");
        if (body.To is null) errors.Add("to", "is required (YYYY-MM-DD)");
        if (body is { From: { } f, To: { } t })
        {
            if (f > t) errors.Add("from", "must be on or before to");
            else if (t > today) errors.Add("to", $"must not be after today ({today:yyyy-MM-dd} in {zone})");
            else if (t.DayNumber - f.DayNumber + 1 > 366) errors.Add("to", "the range may span at most 366 days");
        }
        errors.ThrowIfAny();
        var days = await rollup.RunAsync(tenant, body.From!.Value, body.To!.Value, ct);
        return Results.Json(new { @object = "analytics.rollup", from = body.From, to = body.To, days, time_zone = zone });
    }

    private static async Task<IResult> Summary(HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        await using var s = sessions.Open(tenant);
        await s.BeginAsync(ctx.RequestAborted);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        await using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            await WriteRowAsync(s, w, "summary", "SELECT * FROM organization_summary", ctx.RequestAborted);
            await WriteRowAsync(s, w, "metrics_30d", "SELECT user_count, total_messages, avg_response_time, refreshed_at FROM clientele_org_metrics()", ctx.RequestAborted);
            w.WriteEndObject();
        }
        await s.CommitAsync(ctx.RequestAborted);
        return new JsonBytesResult(buffer.WrittenSpan.ToArray(), 200);
    }

    private static async Task<IResult> UserActivity(HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        // One page of at most 500 users; limit is the only parameter, and a bad one is a 400, not ignored.
        var errors = new FieldErrors();
        var limit = 500;
        foreach (var key in ctx.Request.Query.Keys.Where(k => k != "limit")) errors.Add(key, "is not a parameter of this endpoint (only limit)");
        if (ctx.Request.Query.TryGetValue("limit", out var l) && (!int.TryParse(l, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 500))
            errors.Add("limit", "must be an integer from 1 to 500");
        errors.ThrowIfAny(400);
        await using var s = sessions.Open(tenant);
        await using var r = await s.ReadAsync($"SELECT * FROM user_activity_summary ORDER BY last_active_at DESC NULLS LAST, user_id LIMIT {limit}", [], ctx.RequestAborted);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        await using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            while (await r.ReadAsync(ctx.RequestAborted)) WriteFields(w, r);
            w.WriteEndArray();
            w.WriteBoolean("has_more", false);
            w.WriteNull("next_cursor");
            w.WriteEndObject();
        }
        return new JsonBytesResult(buffer.WrittenSpan.ToArray(), 200);
    }

    private static async Task WriteRowAsync(TenantSession s, Utf8JsonWriter w, string name, string sql, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync(sql, ct);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        w.WritePropertyName(name);
        if (await r.ReadAsync(ct)) WriteFields(w, r);
        else w.WriteNullValue();
    }

    private static void WriteFields(Utf8JsonWriter w, NpgsqlDataReader r)
    {
        w.WriteStartObject();
        for (var i = 0; i < r.FieldCount; i++)
        {
            w.WritePropertyName(r.GetName(i));
            RowJson.WriteScalar(w, ColumnKind.Text, r.IsDBNull(i) ? null : r.GetValue(i));
        }
        w.WriteEndObject();
    }
}
