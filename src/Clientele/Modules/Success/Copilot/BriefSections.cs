using static Clientele.Modules.Success.Copilot.BriefText;

namespace Clientele.Modules.Success.Copilot;

/// <summary>One paragraph per topic of the brief, with the numbers (the built-in engine's answers).</summary>
public static class BriefSections
{
    public static string For(string topic, CustomerBrief b) => topic switch
    {
        QuestionReader.Health => Health(b),
        QuestionReader.Risk => Risk(b),
        QuestionReader.Billing => Billing(b),
        QuestionReader.Usage => Usage(b),
        QuestionReader.Renewal => Renewal(b),
        QuestionReader.Stakeholders => Stakeholders(b),
        QuestionReader.Expansion => Expansion(b),
        QuestionReader.Conversations => Conversations(b),
        QuestionReader.HealthWhy => SuccessSections.HealthWhy(b),
        QuestionReader.QbrPrep => SuccessSections.QbrPrep(b),
        QuestionReader.Playbook => SuccessSections.Playbook(b),
        _ => Overview(b),
    };

    public static string Health(CustomerBrief b)
    {
        var c = b.Customer;
        var h = b.Health;
        if (h.Score is not { } score) return $"{c.Name} has no health score yet." + Signals(b);
        var text = $"{c.Name}'s health is {Score(score)}";
        if (h.Change30Days is { } delta) text += $" ({Change(delta)} in 30 days, from {h.Score30DaysAgo})";
        text += c.ChurnRisk is { } churn ? $"; churn risk {BriefText.Risk(churn)}" : "";
        text += c.Stage is { } stage ? $"; stage {stage}." : ".";
        return text + Signals(b);
    }

    private static string Signals(CustomerBrief b)
    {
        var s = b.Health.OpenRiskSignals;
        if (s.Count == 0) return " No open risk signals.";
        return $" Open risk signals ({s.Count}): " + string.Join("; ", s.Select(x => $"{Words(x.Type)} ({x.Severity})" + (x.Description is { Length: > 0 } d ? $": {d}" : ""))) + ".";
    }

    public static string Risk(CustomerBrief b)
    {
        var c = b.Customer;
        var head = c.ChurnRisk is { } churn ? $"{c.Name}'s churn risk is {BriefText.Risk(churn)}" : $"{c.Name} has no churn risk score";
        head += b.Health.Score is { } s ? $", health {Score(s)}" + (b.Health.Change30Days is { } d and not 0 ? $" ({Change(d)} in 30 days)" : "") + "." : ".";
        var drivers = RiskDrivers.Of(b);
        var text = head + (drivers.Count > 0 ? " Risk drivers: " + string.Join("; ", drivers.Select(x => x.Text)) + "." : " No strong risk drivers in the data.");
        return text + Signals(b);
    }

    public static string Billing(CustomerBrief b)
    {
        var bl = b.Billing;
        var parts = new List<string>();
        if (bl.Subscription is { } sub)
        {
            var seats = sub.SeatsTotal > 0 ? $", {sub.SeatsUsed}/{sub.SeatsTotal} seats" : "";
            parts.Add($"{b.Customer.Name} is on the {sub.Plan} plan ({sub.BillingCycle}, {sub.Status}{seats})"
                + ((sub.Mrr ?? b.Customer.Mrr) is { } mrr ? $" at {Money(mrr, bl.Currency)} MRR" : "")
                + (sub.CancelAtPeriodEnd ? $", set to cancel at the period end{(sub.PeriodEnd is { } end ? " on " + Date(end) : "")}" : "") + ".");
        }
        else if (b.Customer.Mrr is { } mrr) parts.Add($"{b.Customer.Name} pays {Money(mrr, bl.Currency)} MRR (no subscription on record).");
        else parts.Add($"{b.Customer.Name} has no subscription on record.");

        if (bl.OverdueInvoices > 0)
            parts.Add($"{Plural(bl.OverdueInvoices, "invoice")} overdue ({Money(bl.OverdueAmount, bl.Currency)}; oldest {bl.OldestOverdueDays} days: "
                + string.Join(", ", bl.Overdue.Select(i => $"{i.Number ?? "unnumbered"} {Money(i.Amount, bl.Currency)} due {(i.DueOn is { } d ? Date(d) : "?")}")) + ").");
        else parts.Add("No overdue invoices.");
        var notDue = bl.OpenInvoices - bl.OverdueInvoices;
        if (notDue > 0) parts.Add($"{Plural(notDue, "more open invoice")} not yet due ({Money(bl.OpenAmount - bl.OverdueAmount, bl.Currency)}).");
        if (bl.LastPayment is { } p) parts.Add($"Last payment: {Money(p.Amount, bl.Currency)} {p.Status}{(p.On is { } on ? " on " + Date(on) : "")}.");
        if (bl.FailedPayments90Days > 0) parts.Add($"{Plural(bl.FailedPayments90Days, "failed payment")} in the last 90 days.");
        if (bl.CreditsAvailable > 0) parts.Add($"Credits available: {Money(bl.CreditsAvailable, bl.Currency)}.");
        return string.Join(" ", parts);
    }

    public static string Usage(CustomerBrief b)
    {
        var u = b.Usage;
        if (!u.HasData) return $"There is no usage data for {b.Customer.Name} yet.";
        var parts = new List<string>();
        if (u.MetricDate is { } date)
        {
            var line = $"Usage on {Date(date)}: " + List(new[]
            {
                u.Mau is { } mau ? $"{Number(mau)} monthly active users" + (u.MauChangePercent is { } pct ? $" ({Change(pct, "%")} vs 30 days earlier, {Number(u.Mau30DaysAgo!.Value)})" : "") : "",
                u.Wau is { } wau ? $"{Number(wau)} weekly" : "",
                u.Dau is { } dau ? $"{Number(dau)} daily" : "",
            });
            if (u.AdoptionScore is { } adoption) line += $"; adoption {Score(adoption)}";
            if (u.Trend is { } trend) line += $"; trend {trend}";
            parts.Add(line + ".");
        }
        if (u.EventsLast30Days > 0 || u.EventsPrior30Days > 0)
        {
            var delta = u.EventsPrior30Days > 0 ? (int)Math.Round((u.EventsLast30Days - u.EventsPrior30Days) * 100.0 / u.EventsPrior30Days) : (int?)null;
            parts.Add($"{Plural(u.EventsLast30Days, "usage event")} in the last 30 days (vs {Number(u.EventsPrior30Days)} the 30 days before"
                + (delta is { } dlt ? $", {Change(dlt, "%")}" : "") + ").");
        }
        if (u.TopFeatures.Count > 0) parts.Add("Top features: " + string.Join(", ", u.TopFeatures.Select(f => $"{f.Name} ({Number(f.Uses)})")) + ".");
        if (u.IdleFeatures.Count > 0) parts.Add("Not used in the last 30 days: " + string.Join(", ", u.IdleFeatures) + ".");
        return string.Join(" ", parts);
    }

    public static string Renewal(CustomerBrief b)
    {
        var parts = new List<string>();
        if (b.Renewal is { } r)
        {
            var arr = r.CurrentArr is { } cur ? $"; ARR {Money(cur, b.Billing.Currency)}" + (r.ProposedArr is { } prop && prop != cur ? $" → proposed {Money(prop, b.Billing.Currency)}" : "") : "";
            parts.Add($"Renewal on {Date(r.RenewalDate)} ({Relative(r.DaysUntil)}): stage {r.Stage}, probability {Percent(r.Probability)}{arr}.");
            parts.Add($"Checklist: champion engaged {YesNo(r.ChampionEngaged)}, exec sponsor engaged {YesNo(r.ExecSponsorEngaged)}, QBR done {YesNo(r.QbrCompleted)}, "
                + $"proposal sent {YesNo(r.ProposalSent)}, verbal commit {YesNo(r.VerbalCommit)}, contract signed {YesNo(r.ContractSigned)}.");
            if (r.RiskFactors.Count > 0) parts.Add("Risk factors: " + string.Join("; ", r.RiskFactors) + ".");
        }
        else if (b.Customer.RenewalDate is { } date)
            parts.Add($"Renewal on {Date(date)} ({Relative(date.DayNumber - DateOnly.FromDateTime(b.AsOf.UtcDateTime).DayNumber)}); no renewal pipeline entry yet.");
        else parts.Add($"{b.Customer.Name} has no renewal on record.");
        if (b.Contract is { } c)
            parts.Add($"Contract: {c.Status}" + (c.StartDate is { } s ? $", {Date(s)}" : "") + (c.EndDate is { } e ? $" to {Date(e)}" : "")
                + (c.Arr is { } arr ? $", {Money(arr, b.Billing.Currency)} ARR" : "") + (c.Term is { Length: > 0 } t ? $", {t}" : "") + ".");
        return string.Join(" ", parts);
    }

    public static string Stakeholders(CustomerBrief b)
    {
        var current = b.CurrentStakeholders.ToList();
        var gone = b.Stakeholders.Where(s => s.Left).ToList();
        if (current.Count == 0 && gone.Count == 0) return $"No stakeholders are recorded for {b.Customer.Name}.";
        var text = $"Stakeholders ({current.Count}): " + (current.Count == 0 ? "none left at the account" : string.Join("; ", current.Select(Describe))) + ".";
        if (gone.Count > 0) text += " Left: " + string.Join("; ", gone.Select(c => $"{c.Label}{(c.IsChampion ? " (champion)" : c.IsPrimary ? " (primary)" : "")}{(c.Title is { } t ? ", " + t : "")}")) + ".";
        if (b.Renewal is { } r) text += $" Champion engaged: {YesNo(r.ChampionEngaged)}; exec sponsor engaged: {YesNo(r.ExecSponsorEngaged)}.";
        return text;
    }

    private static string Describe(BriefContact c)
    {
        var tags = new List<string>();
        if (c.Title is { Length: > 0 } t) tags.Add(t);
        if (c.IsPrimary) tags.Add("primary");
        if (c.IsChampion) tags.Add("champion");
        if (c.Sentiment is { Length: > 0 } s) tags.Add("sentiment " + s);
        if (c.Email is { Length: > 0 } e) tags.Add(e);
        return c.Label + (tags.Count > 0 ? " (" + string.Join(", ", tags) + ")" : "");
    }

    public static string Expansion(CustomerBrief b)
    {
        if (b.Expansion.Count == 0) return $"No open expansion opportunities for {b.Customer.Name}.";
        var total = b.Expansion.Sum(e => e.EstimatedValue ?? 0);
        var weighted = b.Expansion.Sum(e => (e.EstimatedValue ?? 0) * (e.Probability ?? 0) / 100m);
        return $"{Plural(b.Expansion.Count, "open expansion opportunity", "open expansion opportunities")} worth {Money(total, b.Billing.Currency)} "
            + $"(weighted {Money(Math.Round(weighted, 2), b.Billing.Currency)}): "
            + string.Join("; ", b.Expansion.Select(e => $"{e.Type}{(e.ProductLine is { } p ? " " + p : "")} {(e.EstimatedValue is { } v ? Money(v, b.Billing.Currency) : "unvalued")} "
                + $"at {Percent(e.Probability)} ({e.Stage}{(e.ChampionName is { } ch ? ", champion " + ch : "")})")) + ".";
    }

    public static string Conversations(CustomerBrief b)
    {
        var cv = b.Conversations;
        if (cv.Recent.Count == 0) return $"No conversations with {b.Customer.Name} on record.";
        var text = $"{Plural(cv.Last30Days, "conversation")} in the last 30 days ({cv.Open} open, {cv.Escalated90Days} escalated in 90 days)";
        if (cv.AverageSentiment90Days is { } s) text += $"; average sentiment {Sentiment(s)}";
        text += ". Latest: " + string.Join("; ", cv.Recent.Select(c => $"{Date(c.On)} {c.Status}"
            + (c.Channel is { } ch ? " via " + ch : "") + (c.Intent is { } i ? ", " + i : "") + (c.Emotion is { } e ? ", " + e : "")
            + (c.Subject is { Length: > 0 } subj ? $" \"{subj}\"" : ""))) + ".";
        return text;
    }

    public static string Overview(CustomerBrief b)
    {
        var c = b.Customer;
        var who = $"{c.Name}" + (c.Plan is { } plan ? $" ({plan}" + (c.Mrr is { } mrr ? $", {Money(mrr, b.Billing.Currency)} MRR" : "") + ")" : "") + ".";
        var lines = new List<string> { who, Health(b) };
        var all = RiskDrivers.Of(b);
        var drivers = all.Where(d => d.Kind != RiskDrivers.HealthDrop).ToList();
        if (b.Renewal is { } r && drivers.All(d => d.Kind != RiskDrivers.Renewal))
            lines.Add($"Renewal on {Date(r.RenewalDate)} ({Relative(r.DaysUntil)}), probability {Percent(r.Probability)}.");
        if (b.Expansion.Count > 0) lines.Add($"{Plural(b.Expansion.Count, "open expansion opportunity", "open expansion opportunities")}.");
        lines.Add(drivers.Count > 0 ? "Watch: " + string.Join("; ", drivers.Select(d => d.Text)) + "."
            : all.Count > 0 ? "No overdue invoices, usage drops or other risk drivers besides the health score."
            : "No overdue invoices, usage drops or other risk drivers.");
        return string.Join(" ", lines);
    }
}
