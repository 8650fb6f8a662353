using System.Text.Json.Nodes;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Http;

namespace Clientele.Modules.Automation;

/// <summary>
/// Reads a JSON object body for the automation endpoints that wrap the generic resource store.
/// The generic type checks run first (a wrong type is a 422 naming that field), so the
/// module's own rules (condition, schedule, url) only ever see well-typed fields.
/// </summary>
public static class AutomationBody
{
    public static async Task<JsonObject> ReadAsync(HttpContext ctx, BodyBinder binder, ResourceDefinition def)
    {
        var element = BodyBinder.ParseObject(await JsonBody.ReadBytesAsync(ctx));
        binder.Bind(def, element, create: false);
        return JsonNode.Parse(element.GetRawText())!.AsObject();
    }
}
