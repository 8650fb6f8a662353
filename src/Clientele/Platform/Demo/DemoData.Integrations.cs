namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>Google tokens (the organization's and a CSM's), CRM connections and a Slack workspace. Tokens are write-only (encrypted, never returned).</summary>
    public static async Task IntegrationsAsync(DemoContext d)
    {
        var head = d.Csms.First();
        var sales = d.User("sales");
        await d.CreateAsync("google_tokens", new
        {
            access_token = "ya29.demo-organization-access", refresh_token = "1//demo-organization-refresh", expires_at = d.DaysAhead(1.0 / 24),
            scopes = new[] { "https://www.googleapis.com/auth/calendar.events" }, email = "calendar@northwind-demo.dev",
        });
        await d.CreateAsync("google_tokens", new
        {
            user_id = head.Id, access_token = "ya29.demo-user-access", refresh_token = "1//demo-user-refresh", expires_at = d.DaysAhead(0.5 / 24),
            scopes = new[] { "https://www.googleapis.com/auth/calendar", "https://www.googleapis.com/auth/gmail.send" }, email = head.Email,
        });
        await d.CreateAsync("integrations", new
        {
            user_id = head.Id, provider = "salesforce", access_token = "00D-demo-salesforce-token", refresh_token = "5Aep-demo-refresh",
            instance_url = "https://northwind-demo.my.salesforce.com", expires_at = d.DaysAhead(0.1), metadata = new { org_id = "00D5g000004DemoA" },
        });
        await d.CreateAsync("integrations", new
        {
            user_id = sales.Id, provider = "hubspot", access_token = "pat-demo-hubspot", refresh_token = "hs-demo-refresh",
            expires_at = d.DaysAhead(0.2), metadata = new { portal_id = 24681357 },
        });
        await d.CreateAsync("slack_connections", new
        {
            user_id = head.Id, team_id = "T0DEMONW1", bot_token = "xoxb-demo-bot", user_token = "xoxp-demo-user",
            scopes = new[] { "chat:write", "channels:read", "users:read" }, metadata = new { team_name = "Northwind Demo" },
            // Where /app/settings/slack says this CSM's notifications go; no types are chosen, so nothing is posted with the demo token.
            slack_user_id = "U0DEMOCSM1", channel_id = "#customer-success",
        });
    }
}
