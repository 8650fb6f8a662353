using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Notifications;

/// <summary>
/// The signed-in user's own notifications (literal routes win over the generic /notifications/{id}):
/// unread count, read / unread / archive one, read all, and their preferences per type. Every role
/// may do these (viewers too): they change only the caller's own rows.
/// </summary>
public static class NotificationsApi
{
    public sealed record PreferenceRequest(bool? InAppEnabled, bool? EmailEnabled, string? EmailFrequency);

    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/notifications").WithTags("Notifications");
        g.MapGet("/unread_count", UnreadCount).WithName("NotificationsUnreadCount").WithSummary("How many of your notifications are unread (and not archived)");
        g.MapPost("/read_all", ReadAll).WithName("ReadAllNotifications").WithSummary("Mark all your notifications read");
        foreach (var change in new[] { "read", "unread", "archive", "unarchive" })
            g.MapPost("/{id}/" + change, (string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store) =>
                    ChangeAsync(id, change, ctx, sessions, tenant, registry, store))
                .WithName(change switch { "read" => "ReadNotification", "unread" => "UnreadNotification", "archive" => "ArchiveNotification", _ => "UnarchiveNotification" })
                .WithSummary($"Mark one of your notifications {change}{(change.EndsWith('e') ? "d" : "")}");
        g.MapGet("/timezone", TimeZone).WithName("NotificationTimeZone").WithSummary("Your time zone for digests (null: the organization's) and the one in effect");
        g.MapPut("/timezone", SaveTimeZone).WithName("SaveNotificationTimeZone").WithSummary("Set your time zone for digests: an IANA id such as Europe/Berlin, or null for the organization's");
        g.MapGet("/preferences", Preferences).WithName("NotificationPreferences").WithSummary("Your in-app and email settings for every notification type");
        g.MapPut("/preferences/{type}", SavePreference).WithName("SaveNotificationPreference")
            .WithSummary("Set in_app_enabled, email_enabled and email_frequency (immediate, hourly, daily, weekly, never) for one type");
    }

    private static async Task<IResult> UnreadCount(HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var user = NotificationInbox.UserOf(tenant);
        await using var s = sessions.Open(tenant);
        return Results.Json(new JsonObject { ["unread_count"] = await NotificationInbox.UnreadCountAsync(s, user, ctx.RequestAborted) });
    }

    private static async Task<IResult> ReadAll(HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var user = NotificationInbox.UserOf(tenant);
        await using var s = sessions.Open(tenant);
        var marked = await NotificationInbox.MarkAllReadAsync(s, user, ctx.RequestAborted);
        var unread = await NotificationInbox.UnreadCountAsync(s, user, ctx.RequestAborted);
        await s.CommitAsync(ctx.RequestAborted);
        return Results.Json(new JsonObject { ["marked"] = marked, ["unread_count"] = unread });
    }

    private static async Task<IResult> ChangeAsync(string id, string change, HttpContext ctx, TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store)
    {
        var user = NotificationInbox.UserOf(tenant);
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No notification with id {id}.");
        await using var s = sessions.Open(tenant);
        if (!await NotificationInbox.ChangeAsync(s, user, guid, change, ctx.RequestAborted))
            throw ProblemException.NotFound($"You have no notification with id {id}.");
        var row = await store.GetAsync(s, registry.Find("notifications")!, guid, [], false, ctx.RequestAborted);
        await s.CommitAsync(ctx.RequestAborted);
        return new JsonBytesResult(row.Json, 200, row.ETag);
    }

    public sealed record TimeZoneRequest(string? Timezone);

    private static async Task<IResult> TimeZone(HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var user = NotificationInbox.UserOf(tenant);
        await using var s = sessions.Open(tenant);
        return Results.Json(await TimeZoneJsonAsync(s, user, ctx.RequestAborted));
    }

    private static async Task<IResult> SaveTimeZone(HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var user = NotificationInbox.UserOf(tenant);
        var req = await JsonBody.ReadAsync<TimeZoneRequest>(ctx);
        if (UserTimeZone.Check(req.Timezone) is { } error) throw ProblemException.Validation(UserTimeZone.Field, error);
        await using var s = sessions.Open(tenant);
        await UserTimeZone.SaveAsync(s, user, req.Timezone, ctx.RequestAborted);
        var json = await TimeZoneJsonAsync(s, user, ctx.RequestAborted);
        await s.CommitAsync(ctx.RequestAborted);
        return Results.Json(json);
    }

    private static async Task<JsonObject> TimeZoneJsonAsync(TenantSession s, Guid user, CancellationToken ct)
    {
        var mine = await UserTimeZone.ReadAsync(s, user, ct);
        return new JsonObject { ["timezone"] = mine, ["effective"] = mine ?? await UserTimeZone.OrganizationZoneAsync(s, ct) ?? "UTC" };
    }

    private static async Task<IResult> Preferences(HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var user = NotificationInbox.UserOf(tenant);
        await using var s = sessions.Open(tenant);
        var settings = await NotificationSettings.ReadAsync(s, user, ctx.RequestAborted);
        return Results.Json(new JsonObject { ["data"] = new JsonArray(settings.Select(Json).ToArray()) });
    }

    private static async Task<IResult> SavePreference(string type, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var user = NotificationInbox.UserOf(tenant);
        var req = await JsonBody.ReadAsync<PreferenceRequest>(ctx);
        var errors = NotificationSettings.Check(type, req.EmailFrequency);
        if (errors.Count > 0) throw ProblemException.Validation(errors, "Nothing was saved.");
        await using var s = sessions.Open(tenant);
        var current = (await NotificationSettings.ReadAsync(s, user, ctx.RequestAborted)).First(x => x.Kind.Key == type);
        var frequency = req.EmailFrequency ?? current.Frequency;
        var email = req.EmailEnabled ?? (req.EmailFrequency is not null ? frequency != "never" : current.Email);
        await NotificationSettings.SaveAsync(s, user, type, req.InAppEnabled ?? current.InApp, email, frequency, ctx.RequestAborted);
        var saved = (await NotificationSettings.ReadAsync(s, user, ctx.RequestAborted)).First(x => x.Kind.Key == type);
        await s.CommitAsync(ctx.RequestAborted);
        return Results.Json(Json(saved));
    }

    private static JsonNode Json(NotificationSetting x) => new JsonObject
    {
        ["notification_type"] = x.Kind.Key, ["label"] = x.Kind.Label, ["description"] = x.Kind.Description,
        ["in_app_enabled"] = x.InApp, ["email_enabled"] = x.Email, ["email_frequency"] = x.Email ? x.Frequency : "never",
    };
}
