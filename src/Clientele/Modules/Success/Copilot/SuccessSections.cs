using System.Globalization;
using static Clientele.Modules.Success.Copilot.BriefText;

namespace Clientele.Modules.Success.Copilot;

/// <summary>
/// The built-in answers to the three customer-success questions, from the brief's BriefSuccess:
/// why the health moves (the weakest components and the evidence that cost the most points), what
/// the QBR will say (the last full quarter's draft), and which playbook fits (matched to the open
/// risk signals). Each quotes the customer's numbers.
/// </summary>
public static class SuccessSections
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string HealthWhy(CustomerBrief b)
    {
        var name = b.Customer.Name;
        if (b.Success?.HealthWhy is not { Score: { } score } w) return $"{name} has no health score yet: no component has data." + Signals(b);
        var text = $"{name}'s health is {score}/100";
        if (w.From is { } from && from != score)
            text += $", {(score < from ? "down" : "up")} {Math.Abs(score - from)} from {from}" + (w.FromDate is { } d ? $" on {d.ToString("yyyy-MM-dd", Inv)}" : "");
        text += $" (confidence {w.Confidence.ToString("0.00", Inv)}).";
        var weakest = w.Components.Take(2).ToList();
        if (weakest.Count > 0)
            text += " What pulls it down: " + string.Join("; ", weakest.Select(c =>
                $"{c.Name} {c.Score}/100 (weight {c.Weight.ToString("0.#", Inv)})" + (c.Facts.Count > 0 ? ": " + string.Join(", ", c.Facts.Take(3)) : ""))) + ".";
        return text + Signals(b);
    }

    public static string QbrPrep(CustomerBrief b)
    {
        if (b.Success?.Qbr is not { } q) return $"No QBR data for {b.Customer.Name}.";
        var parts = new List<string> { $"QBR for {q.Quarter}: {q.Summary}" };
        if (q.Wins.Count > 0) parts.Add("Wins: " + string.Join(" ", q.Wins));
        if (q.Challenges.Count > 0) parts.Add("Challenges: " + string.Join(" ", q.Challenges));
        if (q.Actions.Count > 0) parts.Add("Proposed next steps: " + string.Join("; ", q.Actions) + ".");
        parts.Add("Prepare the draft and its deck in one click on /app/success/qbrs.");
        return string.Join("\n", parts);
    }

    public static string Playbook(CustomerBrief b)
    {
        var signals = b.Health.OpenRiskSignals;
        if (b.Success?.Playbooks is not { Count: > 0 } books)
            return signals.Count == 0 ? $"{b.Customer.Name} has no open risk signals and no playbook matches." : $"No playbook matches {b.Customer.Name}'s open risk signals ({string.Join(", ", signals.Select(x => Words(x.Type)))}): write one in csm_playbooks.";
        var best = books[0];
        var text = $"For {b.Customer.Name}, the best fit is the playbook “{best.Title}”" + (best.Category is { } cat ? $" ({Words(cat)})" : "")
            + (best.Because.Count > 0 ? $" because of: {string.Join("; ", best.Because)}." : signals.Count > 0 ? $" for the open signals ({string.Join(", ", signals.Select(x => Words(x.Type)))})." : ".");
        if (b.Health.Score is { } s) text += $" Health {s}/100" + (b.Customer.ChurnRisk is { } churn ? $", churn risk {churn.ToString("0.00", Inv)}." : ".");
        if (best.Steps.Count > 0) text += " Steps: " + string.Join("; ", best.Steps.Take(5)) + ".";
        if (books.Count > 1) text += " Also relevant: " + string.Join(", ", books.Skip(1).Select(x => $"“{x.Title}”")) + ".";
        return text;
    }

    private static string Signals(CustomerBrief b)
    {
        var s = b.Health.OpenRiskSignals;
        return s.Count == 0 ? " No open risk signals." : $" Open risk signals: " + string.Join("; ", s.Select(x => $"{Words(x.Type)} ({x.Severity})" + (x.Description is { Length: > 0 } d ? $": {d}" : ""))) + ".";
    }
}
