using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Clientele.Tests.Console;

/// <summary>Issue 9 item 3: the inbox in Chromium, live over SSE, with the operator's actions reaching the channel (fake Graph API).</summary>
[Collection(ConsoleCollection.Name)]
public sealed class InboxTests(ConsoleFixture app, ITestOutputHelper output) : ConsoleTests(app)
{
    private static string Phone() => "55119" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static string Wamid() => "wamid." + Guid.NewGuid().ToString("N");

    private async Task InboundAsync(ChannelsFixture.Channel ch, string phone, string name, string text) =>
        (await MetaWebhooks.PostAsync(App.Client(), "whatsapp", MetaWebhooks.WhatsAppText(ch.MetaId, phone, name, Wamid(), text))).StatusCode.ShouldBe(HttpStatusCode.OK);

    private static async Task LiveAsync(IPage page) =>
        await page.Locator("body[data-live='open']").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>Waits until the organization's background work (agent replies, sends) is done.</summary>
    private async Task QuietAsync(ChannelsFixture.Channel ch) =>
        await Eventually.GetAsync(async () =>
        {
            await using var c = await App.OwnerAsync();
            // Work due now (lead extraction after inactivity is scheduled minutes ahead and does not count).
            await using var cmd = new Npgsql.NpgsqlCommand("""
                SELECT (SELECT count(*) FROM outbox WHERE organization_id = $1 AND processed_at IS NULL AND dead_at IS NULL AND available_at <= now())
                     + (SELECT count(*) FROM inbound_events WHERE organization_id = $1 AND status = 'received' AND processed_at IS NULL AND dead_at IS NULL)
                """, c);
            cmd.Parameters.AddWithValue(ch.Tenant.OrganizationId);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }, n => n == 0, what: "the outbox to drain");

    private async Task<Guid> ConversationIdAsync(ChannelsFixture.Channel ch) =>
        Guid.Parse((await App.ConversationsAsync(ch.Tenant)).Single()!["id"]!.GetValue<string>());

    [Fact]
    public async Task A_whatsapp_message_appears_live_and_a_human_reply_note_assignment_close_and_reopen_work_from_the_thread()
    {
        var ch = await App.ChannelAsync();
        var phone = Phone();
        await using var cp = await OpenAsync(ch.Tenant.Email, "/app/inbox");
        var page = cp.Page;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No conversations here" })).ToBeVisibleAsync();
        await LiveAsync(page);
        await App.CheckPageAsync(cp, "inbox-empty");

        var clock = Stopwatch.StartNew();
        await InboundAsync(ch, phone, "Maria Souza", "Hello, is the 2-person tent in stock?");
        var item = page.Locator(".conv-item").Filter(new() { HasText = "Maria Souza" });
        await Expect(item).ToBeVisibleAsync();
        output.WriteLine($"inbound message visible in the open list {clock.ElapsedMilliseconds} ms after the webhook was accepted");

        await item.Locator("a").ClickAsync();
        await Expect(page.Locator("#messages .msg.in")).ToContainTextAsync("Hello, is the 2-person tent in stock?");
        await Expect(page.Locator("#ai-badge")).ToContainTextAsync("AI active");
        await Expect(page.Locator("#messages .msg.out")).ToHaveCountAsync(1); // the AI's reply, live
        await App.CheckPageAsync(cp, "inbox-thread");

        // Reply as a human: it goes out through the Graph API and its ticks follow the delivery status.
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync("Hi Maria, Paulo from the team here.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Reply sent." })).ToBeVisibleAsync();
        var human = page.Locator("#messages .msg.human");
        await Expect(human).ToContainTextAsync("Hi Maria, Paulo from the team here.");
        await Eventually.GetAsync(() => Task.FromResult(App.Graph.Calls.ToList()),
            calls => calls.Any(c => c.Body["text"]?["body"]?.GetValue<string>() == "Hi Maria, Paulo from the team here."), what: "the human reply at the Graph API");
        await Expect(human.Locator(".tick")).ToHaveAttributeAsync("data-status", "sent");
        var sent = (await App.MessagesAsync(ch.Tenant, await ConversationIdAsync(ch))).Single(m => m!["agent_name"]?.GetValue<string>() == "human")!;
        (await MetaWebhooks.PostAsync(App.Client(), "whatsapp", MetaWebhooks.WhatsAppStatus(ch.MetaId, sent["platform_message_id"]!.GetValue<string>(), "read", phone))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Expect(human.Locator(".tick")).ToHaveAttributeAsync("data-status", "read"); // live, no reload

        // A private note shows in the thread and goes nowhere else.
        await page.GetByLabel("Private note").CheckAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Add note" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync("VIP: offer the 10% discount");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add note" }).ClickAsync();
        await Expect(page.Locator("#messages .msg.note")).ToContainTextAsync("VIP: offer the 10% discount");
        await QuietAsync(ch);
        App.Graph.Calls.ShouldNotContain(c => c.Body.ToJsonString().Contains("10% discount"));
        (await App.MessagesAsync(ch.Tenant, await ConversationIdAsync(ch))).ShouldNotContain(m => m!["content"]!.GetValue<string>().Contains("10% discount"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Assign to me" }).ClickAsync();
        await Expect(page.Locator("#human-badge")).ToHaveTextAsync("Handled by you");
        await page.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).ClickAsync();
        await Expect(page.Locator("#status-chip")).ToHaveTextAsync("Closed");
        await App.CheckPageAsync(cp, "inbox-closed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reopen" }).ClickAsync();
        await Expect(page.Locator("#status-chip")).ToHaveTextAsync("Open");
        var state = (await App.ConversationsAsync(ch.Tenant)).Single()!;
        state["is_active"]!.GetValue<bool>().ShouldBeTrue();
        state["assigned_to"]!.GetValue<string>().ShouldBe(ch.Tenant.UserId.ToString());
    }

    [Fact]
    public async Task After_taking_over_from_the_ai_the_next_customer_message_gets_no_ai_reply_until_it_is_given_back()
    {
        var ch = await App.ChannelAsync();
        var phone = Phone();
        await InboundAsync(ch, phone, "Tom Taker", "Do you ship to Lisbon?");
        await QuietAsync(ch);
        var id = await ConversationIdAsync(ch);
        await using var cp = await OpenAsync(ch.Tenant.Email, $"/app/inbox/{id}");
        var page = cp.Page;
        await LiveAsync(page);
        await Expect(page.Locator("#messages .msg.out")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Take over from AI" }).ClickAsync();
        await Expect(page.Locator("#human-badge")).ToHaveTextAsync("Handled by you");
        await Expect(page.Locator("#ai-badge")).ToHaveCountAsync(0);
        await LiveAsync(page);

        await InboundAsync(ch, phone, "Tom Taker", "And how long does it take?");
        await Expect(page.Locator("#messages .msg.in").Last).ToContainTextAsync("how long does it take"); // live
        await QuietAsync(ch);
        var messages = await App.MessagesAsync(ch.Tenant, id);
        messages.Count(m => m!["role"]!.GetValue<string>() == "assistant").ShouldBe(1, "no AI reply after the take-over");
        await Expect(page.Locator("#messages .msg.out")).ToHaveCountAsync(1);

        await page.GetByRole(AriaRole.Button, new() { Name = "Give back to AI" }).ClickAsync();
        await Expect(page.Locator("#ai-badge")).ToBeVisibleAsync();
        await InboundAsync(ch, phone, "Tom Taker", "Thanks, and the price?");
        await Expect(page.Locator("#messages .msg.out")).ToHaveCountAsync(2); // the AI answers again, live
    }

    [Fact]
    public async Task Keyboard_shortcuts_move_through_the_list_focus_the_reply_assign_close_and_show_help()
    {
        var ch = await App.ChannelAsync();
        await InboundAsync(ch, Phone(), "Ana First", "first question");
        await InboundAsync(ch, Phone(), "Bruno Second", "second question");
        await QuietAsync(ch);
        await using var cp = await OpenAsync(ch.Tenant.Email, "/app/inbox");
        var page = cp.Page;
        var names = await page.Locator(".conv-name").AllInnerTextsAsync(); // newest activity first
        names.Order().ShouldBe(["Ana First", "Bruno Second"]);
        await page.Keyboard.PressAsync("j");
        await Expect(page.Locator("#thread-title")).ToHaveTextAsync(names[0]);
        await page.Keyboard.PressAsync("j");
        await Expect(page.Locator("#thread-title")).ToHaveTextAsync(names[1]);
        await page.Keyboard.PressAsync("k");
        await Expect(page.Locator("#thread-title")).ToHaveTextAsync(names[0]);
        await page.Keyboard.PressAsync("?");
        await Expect(page.GetByRole(AriaRole.Dialog, new() { Name = "Keyboard shortcuts" })).ToBeVisibleAsync();
        await App.CheckPageAsync(cp, "inbox-shortcuts");
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByRole(AriaRole.Dialog)).ToBeHiddenAsync();
        await page.Keyboard.PressAsync("r");
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Message" })).ToBeFocusedAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).PressAsync("j"); // typing is typing, not a shortcut
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Message" })).ToHaveValueAsync("j");
        await page.Locator("#thread-title").ClickAsync();
        await page.Keyboard.PressAsync("a");
        await Expect(page.Locator("#human-badge")).ToHaveTextAsync("Handled by you");
        await page.Keyboard.PressAsync("e");
        await Expect(page.Locator("#status-chip")).ToHaveTextAsync("Closed");
    }

    [Fact]
    public async Task A_script_in_a_customer_name_is_inert_and_a_viewer_sees_no_write_controls_and_is_refused_a_forged_post()
    {
        var ch = await App.ChannelAsync();
        await InboundAsync(ch, Phone(), "<script>alert(1)</script>", "<img src=x onerror=alert(2)> hello");
        await QuietAsync(ch);
        var id = await ConversationIdAsync(ch);
        var viewer = await App.UserAsync(ch.Tenant, "viewer");
        await using var cp = await App.PageAsync(viewer);
        var page = cp.Page;
        var dialogs = new List<string>();
        page.Dialog += (_, d) => { dialogs.Add(d.Message); _ = d.DismissAsync(); };
        await page.GotoAsync($"/app/inbox/{id}");
        await Expect(page.Locator("#thread-title")).ToHaveTextAsync("<script>alert(1)</script>");
        await Expect(page.Locator(".conv-name").First).ToHaveTextAsync("<script>alert(1)</script>");
        await Expect(page.Locator("#messages .msg.in .msg-body")).ToHaveTextAsync("<img src=x onerror=alert(2)> hello");
        (await page.Locator("#messages img").CountAsync()).ShouldBe(0);
        await Expect(page.GetByText("You have read-only access")).ToBeVisibleAsync();
        foreach (var name in new[] { "Send", "Close", "Assign to me", "Take over from AI" })
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true })).ToHaveCountAsync(0);
        await App.CheckPageAsync(cp, "inbox-viewer-script-name");
        dialogs.ShouldBeEmpty();

        using var forged = await App.CookieClientAsync(viewer);
        var res = await forged.PostFormAsync($"/app/inbox/{id}?handler=Close", new(), formPage: $"/app/inbox/{id}");
        res.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await res.Content.ReadAsStringAsync()).ShouldContain("t do that");
        var reply = await forged.PostFormAsync($"/app/inbox/{id}?handler=Reply", new() { ["content"] = "forged" }, formPage: $"/app/inbox/{id}");
        reply.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await App.ConversationsAsync(ch.Tenant)).Single()!["is_active"]!.GetValue<bool>().ShouldBeTrue();
        (await App.MessagesAsync(ch.Tenant, id)).ShouldNotContain(m => m!["content"]!.GetValue<string>() == "forged");
    }

    [Fact]
    public async Task The_list_pages_by_keyset_without_gaps_or_repeats_and_filters_by_search()
    {
        var t = await App.SignupAsync();
        await using (var c = await App.OwnerAsync())
        {
            await using var cmd = new Npgsql.NpgsqlCommand("""
                WITH cu AS (
                  INSERT INTO customers (id, organization_id, email, name)
                  SELECT gen_random_uuid(), $1, 'p' || g || '@example.test', 'Pager ' || g FROM generate_series(1, 120) g RETURNING id, name)
                INSERT INTO conversations (id, organization_id, customer_id, channel, status, last_message_at)
                SELECT gen_random_uuid(), $1, cu.id, 'api', 'active', now() - (substring(cu.name from 7)::int % 7) * interval '1 minute' FROM cu
                """, c);
            cmd.Parameters.AddWithValue(t.OrganizationId);
            (await cmd.ExecuteNonQueryAsync()).ShouldBe(120);
        }
        using var http = await App.CookieClientAsync(t.Email);
        var seen = new List<string>();
        var url = "/app/inbox?filter=all";
        for (var pages = 0; url is not null; pages++)
        {
            pages.ShouldBeLessThan(5);
            var html = await http.Http.GetStringAsync(url);
            seen.AddRange(Regex.Matches(html, "class=\"conv-item[^\"]*\" data-id=\"([0-9a-f-]+)\"").Select(m => m.Groups[1].Value));
            var next = Regex.Match(html, "href=\"([^\"]+)\" rel=\"next\"");
            url = next.Success ? WebUtility.HtmlDecode(next.Groups[1].Value) : null;
        }
        seen.Count.ShouldBe(120);
        seen.Distinct().Count().ShouldBe(120);
        var found = await http.Http.GetStringAsync("/app/inbox?filter=all&q=Pager%20117");
        Regex.Count(found, "class=\"conv-item").ShouldBe(1);
        found.ShouldContain("Pager 117");
    }
}
