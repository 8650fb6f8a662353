using System.Text.Json.Nodes;
using Clientele.Modules.Automation.Webhooks;
using Clientele.Platform.Errors;
using Clientele.Platform.Jobs;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Automation.Pages;

/// <summary>The webhooks tab's actions (admins): subscribe a URL (its secret shown once, on this
/// response only), enable/disable an endpoint, replay a delivery.</summary>
public sealed partial class AutomationModel
{
    [BindProperty] public string? EndpointUrl { get; set; }
    [BindProperty] public string? EndpointEvents { get; set; }
    /// <summary>The signing secret of the endpoint just created; never stored in the page's state.</summary>
    public string? NewSecret { get; private set; }

    public async Task<IActionResult> OnPostEndpointAsync()
    {
        RequireAdmin();
        Tab = "webhooks";
        var events = (EndpointEvents ?? "").Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var body = new JsonObject { ["url"] = EndpointUrl?.Trim(), ["events"] = new JsonArray(events.Select(e => (JsonNode)e).ToArray()) };
        try
        {
            await using var s = OpenSession();
            var (_, secret) = await WebhooksApi.CreateEndpointAsync(s, Service<ResourceRegistry>(), Service<ResourceStore>(), body,
                Service<IConfiguration>().GetValue("Webhooks:AllowPrivateNetworks", false), Aborted);
            NewSecret = secret;
            Flash = $"Endpoint {EndpointUrl!.Trim()} subscribed to {string.Join(", ", events)}.";
            EndpointUrl = EndpointEvents = null;
        }
        catch (ProblemException p) when (p.Status == 422 && p.Errors is { } errors)
        {
            foreach (var (key, messages) in errors)
                ModelState.AddModelError(key == "url" ? nameof(EndpointUrl) : nameof(EndpointEvents), $"{(key == "url" ? "The URL" : "The events")} {string.Join(", ", messages)}.");
            Response.StatusCode = 422;
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostToggleEndpointAsync(Guid endpointId)
    {
        RequireAdmin();
        // Re-enabling restarts the 3-day failure clock, as PATCH enabled=true does.
        return await ChangeAsync("webhook_endpoints", endpointId, "webhooks",
            row => row["enabled"]?.GetValue<bool>() == true
                ? new JsonObject { ["enabled"] = false, ["disabled_reason"] = "disabled in the console" }
                : new JsonObject { ["enabled"] = true, ["failing_since"] = null, ["disabled_reason"] = null },
            row => $"Endpoint {row["url"]} {(row["enabled"]?.GetValue<bool>() == true ? "enabled" : "disabled")}.");
    }

    public async Task<IActionResult> OnPostReplayAsync(Guid deliveryId)
    {
        RequireAdmin();
        await using var s = OpenSession();
        try
        {
            await WebhooksApi.ReplayAsync(s, Service<ResourceStore>(), Service<ResourceRegistry>(), Service<Outbox>(), deliveryId, Aborted);
            TempData["flash"] = "Delivery queued again.";
        }
        catch (ProblemException p) when (p.Status == 409) { TempData["flash"] = "The endpoint is disabled: enable it before replaying."; }
        return Redirect("/app/automation?tab=webhooks");
    }
}
