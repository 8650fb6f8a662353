using Clientele.Modules.Agents.Engine;
using Shouldly;
using Xunit;
using Xunit.Abstractions;

namespace Clientele.Tests.Engine;

/// <summary>
/// The built-in engine on the hand-labelled messages (labelled-messages.json): accuracy over the
/// whole set, a floor on the holdout part that was never tuned on, entity precision and recall
/// per field, and determinism. Failures print the confusion matrices and every mistake.
/// </summary>
public sealed class LabelledSetTests(ITestOutputHelper output)
{
    private static readonly LabelledSet Set = LabelledSet.Load(LabelledSet.Locate());
    private readonly BuiltInAnalyzer _analyzer = new();

    [Fact]
    public void The_set_is_large_and_varied_enough_to_mean_something()
    {
        Set.Messages.Count.ShouldBeGreaterThanOrEqualTo(200);
        foreach (var intent in new[] { "pricing", "demo", "support", "billing", "technical", "cancellation", "complaint", "greeting", "other" })
            Set.Messages.Count(m => m.Intent == intent).ShouldBeGreaterThanOrEqualTo(20, intent);
        foreach (var urgency in new[] { "low", "medium", "high", "critical" })
            Set.Messages.Count(m => m.Urgency == urgency).ShouldBeGreaterThanOrEqualTo(5, urgency);
        Set.Messages.Count(m => m.Lang is "pt" or "es").ShouldBeGreaterThanOrEqualTo(20);
        Set.Messages.Count(m => m.IsHoldout).ShouldBeGreaterThanOrEqualTo(50);
        Set.Messages.Count(m => m.Entities is not null).ShouldBeGreaterThanOrEqualTo(40);
    }

    [Fact]
    public void Intent_urgency_and_sentiment_sign_are_accurate_on_the_whole_set()
    {
        var report = Set.Evaluate(_analyzer);
        var details = Explain(report);
        report.IntentAccuracy.ShouldBeGreaterThanOrEqualTo(0.85, details);
        report.UrgencyAccuracy.ShouldBeGreaterThanOrEqualTo(0.80, details);
        report.SentimentAccuracy.ShouldBeGreaterThanOrEqualTo(0.80, details);
    }

    [Fact]
    public void The_holdout_messages_nobody_tuned_on_stay_above_a_floor()
    {
        // Written after the rules were tuned and never tuned on: a guard against rules that only fit the set.
        var report = Set.Evaluate(_analyzer, m => m.IsHoldout);
        var details = Explain(report);
        report.IntentAccuracy.ShouldBeGreaterThanOrEqualTo(0.75, details);
        report.UrgencyAccuracy.ShouldBeGreaterThanOrEqualTo(0.70, details);
        report.SentimentAccuracy.ShouldBeGreaterThanOrEqualTo(0.75, details);
    }

    [Fact]
    public void Entities_are_precise_per_field_and_found_where_labelled()
    {
        var report = Set.Evaluate(_analyzer);
        var details = Explain(report);
        foreach (var (field, score) in report.Fields)
        {
            score.Labelled.ShouldBeGreaterThan(0, $"no message is labelled with {field}");
            score.Precision.ShouldBeGreaterThanOrEqualTo(0.9, $"{field} precision\n{details}");
            score.Recall.ShouldBeGreaterThanOrEqualTo(0.8, $"{field} recall\n{details}");
        }
    }

    [Fact]
    public void The_same_message_always_gets_the_same_analysis()
    {
        var other = new BuiltInAnalyzer();
        foreach (var m in Set.Messages)
        {
            var a = _analyzer.Analyze(m.Text, Set.Now);
            var b = _analyzer.Analyze(m.Text, Set.Now);
            var c = other.Analyze(m.Text, Set.Now);
            AnalysisJson.Serialize(b).ShouldBe(AnalysisJson.Serialize(a), m.Text);
            AnalysisJson.Serialize(c).ShouldBe(AnalysisJson.Serialize(a), m.Text);
        }
    }

    [Fact]
    public void Analysis_values_stay_in_their_ranges()
    {
        foreach (var m in Set.Messages)
        {
            var a = _analyzer.Analyze(m.Text, Set.Now);
            a.IntentConfidence.ShouldBeInRange(0, 1, m.Text);
            a.Sentiment.ShouldBeInRange(-1, 1, m.Text);
            new[] { "low", "medium", "high", "critical" }.ShouldContain(a.Urgency, m.Text);
            new[] { "joy", "gratitude", "neutral", "confusion", "frustration", "anger", "sadness", "fear", "urgency" }.ShouldContain(a.Emotion, m.Text);
        }
    }

    private string Explain(LabelledSet.Report report)
    {
        var text = $"{report.Summary()}\nintents:\n{report.ConfusionMatrix()}\nurgency:\n{report.ConfusionMatrix(urgency: true)}\nmistakes:\n  - {string.Join("\n  - ", report.Mistakes)}";
        output.WriteLine(text);
        return text;
    }
}
