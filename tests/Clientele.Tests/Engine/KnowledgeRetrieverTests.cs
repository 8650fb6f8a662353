using System.Net;
using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Engine;
using Clientele.Platform.Database;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Engine;

using AiMessage = Microsoft.Extensions.AI.ChatMessage;

/// <summary>Full-text search over knowledge_base articles created through the API, inside a tenant session.</summary>
public sealed class KnowledgeRetrieverTests(AppFixture app) : IClassFixture<AppFixture>
{
    private async Task<Guid> ArticleAsync(HttpClient http, string title, string content, bool isPublic = true)
    {
        var r = await http.PostJsonAsync("/api/v1/knowledge_base", new { title, content, category = "help", is_public = isPublic });
        r.Status.ShouldBe(HttpStatusCode.Created, r.Json?.ToJsonString());
        return Guid.Parse(r.Json!["id"]!.GetValue<string>());
    }

    private TenantSession Session(AppFixture.Tenant t) =>
        app.App.Services.GetRequiredService<TenantSessions>().Open(new TenantContext { OrganizationId = t.OrganizationId, Role = Roles.Owner, ActorType = "agent" });

    [Fact]
    public async Task Finds_the_tenants_public_article_that_answers_a_customer_question()
    {
        var t = await app.SignupAsync();
        var other = await app.SignupAsync();
        var charged = await ArticleAsync(t.Http, "Why was my card charged twice?", "A second charge is usually a pre-authorization; it is released within 3 business days.");
        await ArticleAsync(t.Http, "Webhook retries and timeouts", "Webhooks are retried 5 times with exponential backoff; respond within 10 seconds with a 2xx.");
        await ArticleAsync(t.Http, "Connect a WhatsApp Business number", "Settings → Channels → Add number, then log in with your Meta Business account.");
        var internalNote = await ArticleAsync(t.Http, "Internal: refunds for double charges", "Refund double charges after checking the card charge in Stripe.", isPublic: false);
        var foreign = await ArticleAsync(other.Http, "Charged twice on my card", "Another tenant's article about a card charged twice.");

        var retriever = app.App.Services.GetRequiredService<IKnowledgeRetriever>();
        await using var s = Session(t);
        var hits = await retriever.SearchAsync(s, "Hi! Why was I charged twice on my card this month??", 3, CancellationToken.None);
        hits.ShouldNotBeEmpty();
        hits[0].Id.ShouldBe(charged);
        hits[0].Title.ShouldBe("Why was my card charged twice?");
        hits[0].Rank.ShouldBeGreaterThan(0);
        hits.Select(h => h.Id).ShouldNotContain(internalNote);   // customers never see internal articles
        hits.Select(h => h.Id).ShouldNotContain(foreign);        // row-level security: the tenant's articles only
        hits.ShouldBe(hits.OrderByDescending(h => h.Rank).ToList());

        var webhooks = await retriever.SearchAsync(s, "do you retry webhooks?", 5, CancellationToken.None);
        webhooks.ShouldHaveSingleItem().Title.ShouldBe("Webhook retries and timeouts");

        var withInternal = await ((KnowledgeRetriever)retriever).SearchAsync(s, "refund a double charge", 5, includeInternal: true, CancellationToken.None);
        withInternal.Select(h => h.Id).ShouldContain(internalNote);

        (await retriever.SearchAsync(s, "hi, thanks!", 5, CancellationToken.None)).ShouldBeEmpty();
        (await retriever.SearchAsync(s, "quantum entanglement", 5, CancellationToken.None)).ShouldBeEmpty();
        (await retriever.SearchAsync(s, "'); drop table knowledge_base; -- | & !", 5, CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_search_uses_the_full_text_index()
    {
        var t = await app.SignupAsync();
        await ArticleAsync(t.Http, "Reset your password", "Use the 'Forgot password' link on the login page.");
        await using var conn = await app.OwnerAsync();
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off", conn)) await off.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + KnowledgeRetriever.Sql, conn);
        explain.Parameters.Add(new NpgsqlParameter { Value = "reset | password" });
        explain.Parameters.Add(new NpgsqlParameter { Value = "reset password" });
        explain.Parameters.Add(new NpgsqlParameter { Value = 3 });
        explain.Parameters.Add(new NpgsqlParameter { Value = false });
        var plan = new List<string>();
        await using (var r = await explain.ExecuteReaderAsync()) while (await r.ReadAsync()) plan.Add(r.GetString(0));
        string.Join("\n", plan).ShouldContain("idx_knowledge_base_fts");
    }

    [Fact]
    public async Task The_built_in_chat_client_answers_from_the_retrieved_article()
    {
        var t = await app.SignupAsync();
        var id = await ArticleAsync(t.Http, "Export conversations to CSV", "Open Conversations, choose Export, and pick CSV. The file arrives by email within a few minutes.");
        await ArticleAsync(t.Http, "Invite a teammate", "Settings → Team → Invite, then enter their email address.");
        var question = "How can I export my conversations as a CSV file?";
        await using var s = Session(t);
        var hits = await app.App.Services.GetRequiredService<IKnowledgeRetriever>().SearchAsync(s, question, 3, CancellationToken.None);

        var client = app.App.Services.GetRequiredService<BuiltInChatClient>();
        var response = await client.GetResponseAsync(
            [new AiMessage(ChatRole.System, KnowledgePrompt.Format(hits)), new AiMessage(ChatRole.User, question)],
            new ChatOptions { AdditionalProperties = new() { [BuiltInChatClient.PromptIdProperty] = "webchat-support-v2" } });
        response.Text.ShouldContain("\"Export conversations to CSV\"");
        response.Text.ShouldContain("choose Export, and pick CSV");
        response.AdditionalProperties![BuiltInChatClient.ArticlesResult].ShouldBe(new[] { id.ToString() });
        app.App.Services.GetRequiredService<IMessageAnalyzer>().ShouldBeOfType<BuiltInAnalyzer>();
        (app.App.Services.GetService<IChatClient>() is BuiltInChatClient).ShouldBeFalse(); // the gateway picks the IChatClient
    }
}
