using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Clientele.Modules.Agents.Ai;

namespace Clientele.Tests.Engine;

/// <summary>
/// The labelled customer messages (labelled-messages.json) and how the built-in engine scores on
/// them. Plain code with no test framework: the tests assert on it and bench/Clientele.Bench links
/// this file to print the same numbers.
/// </summary>
public sealed class LabelledSet
{
    public const string FileName = "labelled-messages.json";
    public static readonly string[] EntityFields = ["name", "email", "phone", "company", "seats", "budget", "budget_amount", "budget_currency", "datetimes"];

    public sealed record Entities(
        string? Name, string? Email, string? Phone, string? Company, int? Seats, string? Budget,
        [property: JsonPropertyName("budget_amount")] decimal? BudgetAmount,
        [property: JsonPropertyName("budget_currency")] string? BudgetCurrency,
        DateTimeOffset[]? Datetimes);

    public sealed record Message(string Text, string Intent, int Sentiment, string Urgency, Entities? Entities, string? Lang, string? Split)
    {
        public bool IsHoldout => Split == "holdout";
    }

    private sealed record FileShape(DateTimeOffset Now, Message[] Messages);

    public DateTimeOffset Now { get; }
    public IReadOnlyList<Message> Messages { get; }

    private LabelledSet(DateTimeOffset now, IReadOnlyList<Message> messages) { Now = now; Messages = messages; }

    public static LabelledSet Load(string path)
    {
        var shape = JsonSerializer.Deserialize<FileShape>(File.ReadAllText(path), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
                    ?? throw new InvalidDataException(path);
        return new LabelledSet(shape.Now, shape.Messages);
    }

    /// <summary>Finds the file next to the test assembly, or from the repository root (the benchmark).</summary>
    public static string Locate()
    {
        foreach (var dir in Ancestors(AppContext.BaseDirectory).Concat(Ancestors(Directory.GetCurrentDirectory())))
        {
            foreach (var candidate in new[] { Path.Combine(dir, "Engine", FileName), Path.Combine(dir, "tests", "Clientele.Tests", "Engine", FileName) })
                if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{FileName} not found from {AppContext.BaseDirectory}");
    }

    private static IEnumerable<string> Ancestors(string start)
    {
        for (var d = new DirectoryInfo(start); d is not null; d = d.Parent) yield return d.FullName;
    }

    public static int Sign(double sentiment) => sentiment >= 0.05 ? 1 : sentiment <= -0.05 ? -1 : 0;

    public Report Evaluate(IMessageAnalyzer analyzer, Func<Message, bool>? include = null)
    {
        var report = new Report();
        foreach (var m in Messages.Where(include ?? (_ => true)))
            report.Add(m, analyzer.Analyze(m.Text, Now));
        return report;
    }

    /// <summary>Accuracy per label, a confusion matrix of intents, and precision/recall per entity field.</summary>
    public sealed class Report
    {
        public int Count { get; private set; }
        public int IntentCorrect { get; private set; }
        public int UrgencyCorrect { get; private set; }
        public int SentimentCorrect { get; private set; }
        public Dictionary<(string Expected, string Actual), int> IntentConfusion { get; } = [];
        public Dictionary<(string Expected, string Actual), int> UrgencyConfusion { get; } = [];
        public Dictionary<string, FieldScore> Fields { get; } = EntityFields.ToDictionary(f => f, _ => new FieldScore());
        public List<string> Mistakes { get; } = [];

        public double IntentAccuracy => Ratio(IntentCorrect, Count);
        public double UrgencyAccuracy => Ratio(UrgencyCorrect, Count);
        public double SentimentAccuracy => Ratio(SentimentCorrect, Count);

        public void Add(Message m, MessageAnalysis a)
        {
            Count++;
            var sign = Sign(a.Sentiment);
            if (a.Intent == m.Intent) IntentCorrect++;
            if (a.Urgency == m.Urgency) UrgencyCorrect++;
            if (sign == m.Sentiment) SentimentCorrect++;
            Bump(IntentConfusion, (m.Intent, a.Intent));
            Bump(UrgencyConfusion, (m.Urgency, a.Urgency));
            var wrong = new List<string>();
            if (a.Intent != m.Intent) wrong.Add($"intent {m.Intent}→{a.Intent} ({a.IntentConfidence:0.00})");
            if (a.Urgency != m.Urgency) wrong.Add($"urgency {m.Urgency}→{a.Urgency}");
            if (sign != m.Sentiment) wrong.Add($"sentiment {m.Sentiment}→{a.Sentiment:0.00}");
            var e = m.Entities;
            var x = a.Entities;
            Score("name", e?.Name, x.Name, wrong);
            Score("email", e?.Email, x.Email, wrong);
            Score("phone", e?.Phone, x.Phone, wrong);
            Score("company", e?.Company, x.Company, wrong);
            Score("seats", e?.Seats?.ToString(CultureInfo.InvariantCulture), x.Seats?.ToString(CultureInfo.InvariantCulture), wrong);
            Score("budget", e?.Budget, x.Budget, wrong);
            Score("budget_amount", e?.BudgetAmount?.ToString("0.##", CultureInfo.InvariantCulture), x.BudgetAmount?.ToString("0.##", CultureInfo.InvariantCulture), wrong);
            Score("budget_currency", e?.BudgetCurrency, x.BudgetCurrency, wrong);
            Score("datetimes", Times(e?.Datetimes), Times(x.DateTimes), wrong);
            if (wrong.Count > 0) Mistakes.Add($"{m.Text}\n      {string.Join("; ", wrong)}");
        }

        private void Score(string field, string? expected, string? actual, List<string> wrong)
        {
            var f = Fields[field];
            if (expected is not null) f.Labelled++;
            if (actual is not null) f.Predicted++;
            if (expected is not null && string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase)) f.Correct++;
            else if (expected is not null || actual is not null) wrong.Add($"{field} {expected ?? "∅"}→{actual ?? "∅"}");
        }

        private static string? Times(IEnumerable<DateTimeOffset>? times) =>
            times is null || !times.Any() ? null : string.Join(",", times.Select(t => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture)));

        private static void Bump(Dictionary<(string, string), int> d, (string, string) key) => d[key] = d.GetValueOrDefault(key) + 1;

        private static double Ratio(int a, int b) => b == 0 ? 0 : (double)a / b;

        public string ConfusionMatrix(bool urgency = false)
        {
            var confusion = urgency ? UrgencyConfusion : IntentConfusion;
            var labels = urgency ? new[] { "low", "medium", "high", "critical" } : ["pricing", "demo", "support", "billing", "technical", "cancellation", "complaint", "greeting", "other"];
            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture, $"{"expected \\ actual",-18}");
            foreach (var l in labels) sb.Append(CultureInfo.InvariantCulture, $"{l[..Math.Min(6, l.Length)],7}");
            sb.AppendLine();
            foreach (var e in labels)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{e,-18}");
                foreach (var a in labels) sb.Append(CultureInfo.InvariantCulture, $"{confusion.GetValueOrDefault((e, a)),7}");
                sb.AppendLine();
            }
            return sb.ToString();
        }

        public string Summary()
        {
            var sb = new StringBuilder();
            sb.AppendLine(CultureInfo.InvariantCulture, $"messages {Count}: intent {IntentAccuracy:P1}, urgency {UrgencyAccuracy:P1}, sentiment sign {SentimentAccuracy:P1}");
            foreach (var (field, s) in Fields)
                sb.AppendLine(CultureInfo.InvariantCulture, $"  {field,-16} labelled {s.Labelled,3}  predicted {s.Predicted,3}  correct {s.Correct,3}  precision {s.Precision:P0}  recall {s.Recall:P0}");
            return sb.ToString();
        }
    }

    public sealed class FieldScore
    {
        public int Labelled { get; set; }
        public int Predicted { get; set; }
        public int Correct { get; set; }
        /// <summary>Correct values among those the engine gave (1 when it gave none).</summary>
        public double Precision => Predicted == 0 ? 1 : (double)Correct / Predicted;
        public double Recall => Labelled == 0 ? 1 : (double)Correct / Labelled;
    }
}
