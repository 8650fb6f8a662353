using System.Text.Json.Nodes;
using Clientele.Modules.Agents.Ai;
using Clientele.Platform.Database;
using Microsoft.Extensions.AI;

namespace Clientele.Modules.Agents.Orchestration;

using AiMessage = Microsoft.Extensions.AI.ChatMessage;

/// <summary>What the verifying agent decided, the agent_collaborations row, and the extra model call (if any).</summary>
public sealed record VerifiedAnswer(Verification Verification, Collaboration Collaboration, AiResult? Call);

/// <summary>
/// A second agent verifies a risky draft before it is sent. On a model provider the verifier is a
/// model call (agent.reply / verify) answering APPROVE or REVISE: &lt;reply&gt;, with
/// <see cref="VerificationPolicy"/> as a guardrail on its result; on the built-in provider the
/// verifier is that policy alone (deterministic, no model call).
/// </summary>
public sealed class AnswerVerifier(IAiGateway gateway)
{
    public const string Node = "verify";

    public async Task<VerifiedAnswer> VerifyAsync(TenantSession s, AgentProfile agent, string drafter, string customerText, string draft,
        IReadOnlyList<string> topics, CancellationToken ct)
    {
        var verifier = RiskPolicy.Verifier(topics, drafter);
        var start = DateTime.UtcNow;
        AiResult? call = null;
        string? modelVerdict = null;
        var reviewed = draft;
        var options = PromptBuilder.ModelOptions(agent);
        if (!PromptBuilder.IsBuiltIn(options, gateway))
        {
            try
            {
                call = await gateway.CompleteAsync(s, new AiCall(AgentReplyGenerator.Workflow, Node, Prompt(verifier, drafter, customerText, draft, topics), options), ct);
                (modelVerdict, reviewed) = Parse(call.Text, draft);
            }
            catch (Gateway.AiProviderException)
            {
                // The verifying model is unavailable: the rules alone decide.
            }
        }
        var v = VerificationPolicy.Review(reviewed, topics);
        if (modelVerdict == "revised" && v.Verdict == "approved")
            v = v with { Verdict = "revised", Outcome = "revised by the verifying model" };
        var end = DateTime.UtcNow;
        var metadata = new JsonObject
        {
            ["verdict"] = v.Verdict,
            ["topics"] = new JsonArray(topics.Select(t => (JsonNode)t).ToArray()),
            ["draft"] = draft,
            ["final"] = v.Text,
            ["removed"] = new JsonArray(v.Removed.Select(r => (JsonNode)r).ToArray()),
            ["drafted_by"] = drafter,
            ["verified_by"] = verifier,
            ["verifier"] = call is null ? "policy" : call.Model,
        };
        return new VerifiedAnswer(v, new Collaboration([drafter, verifier], verifier, start, end, v.Outcome, v.ConsensusReached, metadata), call);
    }

    private static List<AiMessage> Prompt(string verifier, string drafter, string customerText, string draft, IReadOnlyList<string> topics) =>
    [
        new(ChatRole.System, $"{Specialists.Persona(verifier)}\nYou verify a reply drafted by the {drafter} agent before it is sent. " +
            $"It touches: {string.Join(", ", topics)}. An AI reply may explain policies but must not promise refunds, discounts, cancellations " +
            "or legal terms: a person confirms those. Answer exactly APPROVE if the draft can be sent as is, otherwise REVISE: followed by the corrected reply."),
        new(ChatRole.User, $"Customer: {customerText}\n\nDraft reply: {draft}"),
    ];

    /// <summary>APPROVE keeps the draft; REVISE: gives the new text; anything else is ignored (the policy decides).</summary>
    internal static (string? Verdict, string Text) Parse(string answer, string draft)
    {
        var t = answer.Trim();
        if (t.StartsWith("APPROVE", StringComparison.OrdinalIgnoreCase)) return ("approved", draft);
        var i = t.IndexOf("REVISE:", StringComparison.OrdinalIgnoreCase);
        return i >= 0 && t[(i + 7)..].Trim() is { Length: > 0 } revised ? ("revised", revised) : (null, draft);
    }
}
