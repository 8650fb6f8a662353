namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// Urgency, low..critical. critical: an outage, a breach, data or revenue being lost, or everyone
/// blocked ("all agents blocked"). high: urgent/asap/immediately/right away/now, a need for today
/// or tonight, by end of day or tomorrow, someone blocked. medium: something broken or wrong
/// without urgency words, a soft deadline (this week, soon, by Friday), a clearly unhappy
/// customer. low: everything else, and "no rush" caps anything but critical at low.
/// </summary>
internal sealed class UrgencyDetector
{
    public const string Low = "low", Medium = "medium", High = "high", Critical = "critical";
    private static readonly string[] Levels = [Low, Medium, High, Critical];
    private const string Scope = "scope", Calm = "calm";

    private readonly CueSet _cues = new(
    [
        (Critical, 1, "outage"), (Critical, 1, "is down"), (Critical, 1, "are down"), (Critical, 1, "went down"), (Critical, 1, "was down"),
        (Critical, 1, "api down"), (Critical, 1, "site down"), (Critical, 1, "app down"), (Critical, 1, "system down"),
        (Critical, 1, "server down"), (Critical, 1, "platform down"), (Critical, 1, "service down"), (Critical, 1, "website down"),
        (Critical, 1, "production down"), (Critical, 1, "prod down"), (Critical, 1, "emergency"), (Critical, 1, "emergencia"),
        (Critical, 1, "breach"), (Critical, 1, "hacked"), (Critical, 1, "data loss"), (Critical, 1, "lost all"), (Critical, 1, "lost our data"),
        (Critical, 1, "losing customers"), (Critical, 1, "losing money"), (Critical, 1, "losing sales"), (Critical, 1, "losing revenue"),
        (Critical, 1, "losing clients"), (Critical, 1, "everything is broken"), (Critical, 1, "completely broken"),
        (Critical, 1, "nothing works"), (Critical, 1, "nothing is working"), (Critical, 1, "fora do ar"), (Critical, 1, "caido"),
        (Critical, 1, "caida"), (Critical, 1, "no messages are being delivered"),
        (Scope, 1, "all agents"), (Scope, 1, "all our agents"), (Scope, 1, "all users"), (Scope, 1, "all our users"),
        (Scope, 1, "all customers"), (Scope, 1, "all our customers"), (Scope, 1, "whole team"), (Scope, 1, "entire team"),
        (Scope, 1, "everyone"), (Scope, 1, "none of our"), (Scope, 1, "nobody can"), (Scope, 1, "any customer"), (Scope, 1, "todos os"),
        (Scope, 1, "todos los"),
        (High, 1, "urgent"), (High, 1, "urgently"), (High, 1, "urgente"), (High, 1, "urgencia"), (High, 1, "asap"),
        (High, 1, "as soon as possible"), (High, 1, "immediately"), (High, 1, "imediatamente"), (High, 1, "inmediatamente"),
        (High, 1, "right away"), (High, 1, "right now"), (High, 1, "at once"), (High, 1, "o quanto antes"), (High, 1, "cuanto antes"),
        (High, 1, "lo antes posible"), (High, 1, "agora mesmo"), (High, 1, "ahora mismo"), (High, 1, "end of day"), (High, 1, "eod"),
        (High, 1, "by tonight"), (High, 1, "within the hour"), (High, 1, "in an hour"), (High, 1, "blocked"), (High, 1, "blocking"),
        (High, 1, "can't work"), (High, 1, "customers are waiting"), (High, 1, "clients are waiting"), (High, 1, "deadline"),
        (High, 1, "escalate"), (High, 1, "time sensitive"), (High, 1, "critical"), (High, 1, "by tomorrow"), (High, 1, "until tomorrow"),
        (High, 1, "before tomorrow"), (High, 1, "hoje mesmo"), (High, 1, "hoy mismo"),
        (Medium, 1, "error*"), (Medium, 1, "bug"), (Medium, 1, "bugs"), (Medium, 1, "broken"), (Medium, 1, "crash*"), (Medium, 1, "fail*"),
        (Medium, 1, "not working"), (Medium, 1, "isn't working"), (Medium, 1, "doesn't work"), (Medium, 1, "don't work"),
        (Medium, 1, "stopped"), (Medium, 1, "can't log in"), (Medium, 1, "can't login"), (Medium, 1, "can't access"),
        (Medium, 1, "locked out"), (Medium, 1, "charged twice"), (Medium, 1, "double charged"), (Medium, 1, "wrong"),
        (Medium, 1, "refund*"), (Medium, 1, "declined"), (Medium, 1, "timeout"), (Medium, 1, "slow"), (Medium, 1, "waiting"),
        (Medium, 1, "no response"), (Medium, 1, "never got"), (Medium, 1, "never arrives"), (Medium, 1, "missing"),
        (Medium, 1, "didn't receive"), (Medium, 1, "duplicat*"), (Medium, 1, "logs me out"), (Medium, 1, "doesn't load"),
        (Medium, 1, "won't load"), (Medium, 1, "no funciona"), (Medium, 1, "nao funciona"), (Medium, 1, "retornando"),
        (Medium, 1, "cobrado"), (Medium, 1, "extra charge"), (Medium, 1, "stop charging"), (Medium, 1, "problem*"),
        (Medium, 1, "mistake"), (Medium, 1, "unauthorized"), (Medium, 1, "go up"), (Medium, 1, "went up"), (Medium, 1, "increased"),
        (Medium, 1, "soon"), (Medium, 1, "this week"), (Medium, 1, "esta semana"), (Medium, 1, "quickly"), (Medium, 1, "complaint"),
        (Medium, 1, "unacceptable"), (Medium, 1, "manager"), (Medium, 1, "no one"), (Medium, 1, "nobody"), (Medium, 1, "third time"),
        (Medium, 1, "on hold"), (Medium, 1, "ignored"), (Medium, 1, "expected"), (Medium, 1, "promised"), (Medium, 1, "insatisfeito"),
        (Medium, 1, "esperando"), (Medium, 1, "stuck"), (Medium, 1, "not sending"), (Medium, 1, "isn't sending"),
        (Medium, 1, "expired"), (Medium, 1, "suspended"), (Medium, 1, "not loading"), (Medium, 1, "not showing"),
        (Medium, 1, "not receiving"), (Medium, 1, "not arriving"), (Medium, 1, "disconnected"), (Medium, 1, "no puedo entrar"),
        (Medium, 1, "nao consigo entrar"), (Medium, 1, "nao consigo acessar"), (Medium, 1, "no puedo acceder"), (Medium, 1, "no llegan"),
        (Medium, 1, "nao chegam"), (Medium, 1, "dos veces"), (Medium, 1, "duas vezes"), (Medium, 1, "cobraron"), (Medium, 1, "erro"),
        (Medium, 1, "travando"), (Medium, 1, "lied"), (Medium, 1, "absurdo"), (Medium, 1, "ninguem"), (Medium, 1, "no reply"),
        (Calm, 1, "no rush"), (Calm, 1, "not urgent"), (Calm, 1, "no hurry"), (Calm, 1, "whenever"), (Calm, 1, "when you have time"),
        (Calm, 1, "when you get a chance"), (Calm, 1, "sem pressa"), (Calm, 1, "sin prisa"), (Calm, 1, "wrong number"),
    ]);

    // "today" is urgent when something is needed by then ("need it today", "cancel today"), not in "slow today".
    private static readonly HashSet<string> NeedWords = new(StringComparer.Ordinal)
    {
        "need", "needs", "needed", "must", "by", "before", "until", "till", "fix", "fixed", "send", "cancel", "done", "resolve",
        "resolved", "deliver", "ready", "effective", "preciso", "precisamos", "necesito", "necesitamos", "hasta", "ate", "antes",
    };
    private static readonly HashSet<string> TodayWords = new(StringComparer.Ordinal) { "today", "tonight", "hoje", "hoy" };
    private static readonly HashSet<string> DeadlineWords = new(StringComparer.Ordinal) { "by", "before", "until", "till", "ate", "hasta", "antes" };

    public IEnumerable<string> Words => _cues.Words;

    public string Detect(IReadOnlyList<Token> tokens, double sentiment)
    {
        var level = 0;
        bool scope = false, calm = false, problem = false;
        foreach (var hit in _cues.Match(tokens))
        {
            if (hit.Negated) { if (hit.Label == High) calm = true; continue; }   // "not urgent"
            switch (hit.Label)
            {
                case Scope: scope = true; break;
                case Calm: calm = true; break;
                default:
                    var l = Array.IndexOf(Levels, hit.Label);
                    if (hit.Label == Medium) problem = true;
                    level = Math.Max(level, l);
                    break;
            }
        }
        if (scope && (problem || level >= 2)) level = 3;   // everyone blocked or broken
        if (level == 3 && !scope && TalksAboutThePast(tokens)) level = 1; // "the outage last week" is a grievance, not an incident
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i].Text;
            if (TodayWords.Contains(t) && NeededBefore(tokens, i)) level = Math.Max(level, 2);
            else if (t is "now" or "agora" or "ahora" && IsDemand(tokens, i)) level = Math.Max(level, 2);
            else if (DeadlineWords.Contains(t) && i + 1 < tokens.Count && IsDateWord(tokens, i + 1)) level = Math.Max(level, 1);
        }
        if (sentiment <= -0.4) level = Math.Max(level, 1);
        if (calm && level < 3) level = 0;
        return Levels[level];
    }

    private static bool TalksAboutThePast(IReadOnlyList<Token> tokens) =>
        tokens.Any(t => t.Text is "yesterday" or "ago" or "ontem" or "ayer") || tokens.Zip(tokens.Skip(1)).Any(p => p.First.Text == "last" && p.Second.Text is "week" or "month" or "time" or "night");

    private static bool NeededBefore(IReadOnlyList<Token> tokens, int i)
    {
        for (var j = i - 1; j >= 0 && j >= i - 3; j--)
        {
            if (tokens[j + 1].BreakBefore) break;
            if (NeedWords.Contains(tokens[j].Text)) return true;
        }
        return false;
    }

    /// <summary>"fix this now", "now!", "now please" — not "for now", "now that", "I now see".</summary>
    private static bool IsDemand(IReadOnlyList<Token> tokens, int i)
    {
        if (i > 0 && tokens[i - 1].Text is "for" or "until" or "by" or "i" or "we" or "right") return false;
        if (i + 1 >= tokens.Count) return i > 0;
        var next = tokens[i + 1];
        return next.BreakBefore || next.Text is "!" or "please";
    }

    private static bool IsDateWord(IReadOnlyList<Token> tokens, int i)
    {
        var t = tokens[i].Text;
        if (t == "the" && i + 1 < tokens.Count) t = tokens[i + 1].Text;
        return CalendarWords.Weekdays.ContainsKey(t) || CalendarWords.Months.ContainsKey(t) || t is "end" or "monday" || t.All(char.IsDigit) && t.Length <= 2;
    }
}
