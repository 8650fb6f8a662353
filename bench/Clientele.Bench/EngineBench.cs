using System.Diagnostics;
using System.Globalization;
using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Engine;
using Clientele.Tests.Engine;
using Microsoft.Extensions.AI;

namespace Clientele.Bench;

using AiMessage = Microsoft.Extensions.AI.ChatMessage;

/// <summary>
/// Issue 5's built-in engine: its accuracy on the labelled messages of the test project
/// (tests/Clientele.Tests/Engine/labelled-messages.json: the whole set, the part the rules were
/// tuned on and the holdout that never was) and how fast it analyzes a message (mean, p99,
/// messages per second on one core and on all of them) and composes a grounded reply.
/// </summary>
public static class EngineBench
{
    public static void Run(TimeSpan duration)
    {
        var set = LabelledSet.Load(LabelledSet.Locate());
        var analyzer = new BuiltInAnalyzer();
        Console.WriteLine($"labelled set: {set.Messages.Count} messages ({set.Messages.Count(m => m.IsHoldout)} holdout), resolved against {set.Now:yyyy-MM-dd HH:mm}Z");
        Accuracy("all", set.Evaluate(analyzer), details: true);
        Accuracy("dev (tuned on)", set.Evaluate(analyzer, m => !m.IsHoldout));
        Accuracy("holdout", set.Evaluate(analyzer, m => m.IsHoldout));

        var texts = set.Messages.Select(m => m.Text).ToArray();
        foreach (var t in texts) analyzer.Analyze(t, set.Now); // warm up (JIT, regex)
        var samples = new List<double>(1 << 16);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
            foreach (var t in texts)
            {
                var start = Stopwatch.GetTimestamp();
                analyzer.Analyze(t, set.Now);
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        samples.Sort();
        var mean = samples.Average();
        Console.WriteLine();
        Console.WriteLine(F($"analysis, one core: {samples.Count} messages, mean {mean:0.0} µs, p50 {Percentile(samples, 0.50):0.0} µs, p99 {Percentile(samples, 0.99):0.0} µs, max {samples[^1]:0.0} µs, {1_000_000 / mean:0} messages/s"));
        Console.WriteLine(F($"  target: well under 10 ms per message → p99 is {Percentile(samples, 0.99) / 10_000:0.0%} of 10 ms"));

        var parallel = 0L;
        var wall = Stopwatch.StartNew();
        Parallel.For(0, Environment.ProcessorCount, _ =>
        {
            var local = 0L;
            while (wall.Elapsed < duration / 2) foreach (var t in texts) { analyzer.Analyze(t, set.Now); local++; }
            Interlocked.Add(ref parallel, local);
        });
        Console.WriteLine(F($"analysis, {Environment.ProcessorCount} cores: {parallel / wall.Elapsed.TotalSeconds:0} messages/s"));

        Reply(analyzer, set, duration / 4);
    }

    /// <summary>A whole "reply" call of the built-in chat client: analysis of the conversation, grounding in two articles, the template.</summary>
    private static void Reply(BuiltInAnalyzer analyzer, LabelledSet set, TimeSpan duration)
    {
        var client = new BuiltInChatClient(analyzer, TimeProvider.System);
        var knowledge = KnowledgePrompt.Format(
        [
            new KnowledgeHit(Guid.NewGuid(), "Why was my card charged twice?", "A second charge is usually a pre-authorization; it is released within 3 business days.", 1),
            new KnowledgeHit(Guid.NewGuid(), "Webhook retries and timeouts", "Webhooks are retried 5 times with exponential backoff; respond within 10 seconds with a 2xx.", 0.5),
        ]);
        var options = new ChatOptions { AdditionalProperties = new() { [BuiltInChatClient.PromptIdProperty] = "sales-default", [BuiltInChatClient.NowProperty] = set.Now } };
        var conversations = set.Messages.Select(m => new List<AiMessage> { new(ChatRole.System, knowledge), new(ChatRole.User, "Hi there"), new(ChatRole.Assistant, "Hi! How can I help?"), new(ChatRole.User, m.Text) }).ToArray();
        foreach (var c in conversations) client.GetResponseAsync(c, options).GetAwaiter().GetResult();
        var n = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
            foreach (var c in conversations) { client.GetResponseAsync(c, options).GetAwaiter().GetResult(); n++; }
        Console.WriteLine(F($"reply (built-in chat client, 2-turn conversation, 2 articles): mean {clock.Elapsed.TotalMicroseconds / n:0.0} µs, {n / clock.Elapsed.TotalSeconds:0} replies/s"));
    }

    private static void Accuracy(string name, LabelledSet.Report r, bool details = false)
    {
        Console.WriteLine();
        Console.WriteLine(F($"{name}: {r.Count} messages — intent {r.IntentAccuracy:P1}, urgency {r.UrgencyAccuracy:P1}, sentiment sign {r.SentimentAccuracy:P1}"));
        foreach (var (field, s) in r.Fields)
            Console.WriteLine(F($"  {field,-16} labelled {s.Labelled,3}  found {s.Predicted,3}  correct {s.Correct,3}  precision {s.Precision:P0}  recall {s.Recall:P0}"));
        if (!details) return;
        Console.WriteLine("intent confusion (rows: expected, columns: engine):");
        Console.Write(r.ConfusionMatrix());
        Console.WriteLine("urgency confusion:");
        Console.Write(r.ConfusionMatrix(urgency: true));
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
