namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// Lexicon sentiment in -1..1, in the manner of VADER: each word or phrase has a valence (-3..3);
/// a negation shortly before flips and damps it ("not happy"), intensifiers and softeners scale it
/// ("really frustrating", "a bit pricey"), what follows "but" counts more, shouting (CAPS, "!")
/// amplifies, and the sum is squashed with s / √(s² + 15). Phrases like "good morning" carry no
/// sentiment.
/// </summary>
internal sealed class SentimentLexicon
{
    private const double NegationFactor = -0.6;
    private const double Alpha = 15;

    private readonly CueSet _valences = new(Lexicon.Select(e => ("v", e.Valence, e.Pattern)));
    private readonly CueSet _neutral = new(NeutralPhrases.Select(p => ("n", 0.0, p)));

    public IEnumerable<string> Words => _valences.Words;

    public double Score(IReadOnlyList<Token> tokens)
    {
        var masked = new bool[tokens.Count];
        foreach (var n in _neutral.Match(tokens))
            for (var i = n.Start; i < n.End; i++) masked[i] = true;

        var hits = Longest(_valences.Match(tokens)).Where(h => !masked[h.Start]).ToList();
        if (hits.Count == 0) return 0;
        var pivot = LastIndexOf(tokens, ContrastWords);
        double sum = 0;
        foreach (var h in hits)
        {
            var v = h.Weight * Scale(tokens, h.Start);
            if (h.Negated) v *= NegationFactor;
            if (tokens[h.Start].IsAllCaps) v *= 1.3;
            if (pivot >= 0) v *= h.Start < pivot ? 0.5 : 1.5;
            sum += v;
        }
        var bangs = Math.Min(3, tokens.Count(t => t.Text == "!"));
        if (sum != 0) sum += Math.Sign(sum) * 0.3 * bangs;
        return Math.Round(sum / Math.Sqrt(sum * sum + Alpha), 3);
    }

    /// <summary>Where cues overlap ("thank you so much" and "thank"), the longest wins.</summary>
    private static IEnumerable<CueHit> Longest(List<CueHit> hits)
    {
        var taken = new List<CueHit>();
        foreach (var h in hits.OrderByDescending(h => h.End - h.Start).ThenBy(h => h.Start))
            if (!taken.Any(t => h.Start < t.End && t.Start < h.End)) taken.Add(h);
        return taken.OrderBy(h => h.Start);
    }

    private static double Scale(IReadOnlyList<Token> tokens, int index)
    {
        var factor = 1.0;
        for (var j = index - 1; j >= 0 && j >= index - 2; j--)
        {
            if (tokens[j + 1].BreakBefore) break;
            if (Intensifiers.Contains(tokens[j].Text)) factor *= 1.4;
            else if (Softeners.Contains(tokens[j].Text)) factor *= 0.6;
        }
        return factor;
    }

    private static int LastIndexOf(IReadOnlyList<Token> tokens, HashSet<string> words)
    {
        for (var i = tokens.Count - 1; i > 0; i--) if (words.Contains(tokens[i].Text)) return i;
        return -1;
    }

    private static readonly HashSet<string> ContrastWords = new(StringComparer.Ordinal) { "but", "however", "although", "mas", "pero", "porem" };
    private static readonly HashSet<string> Intensifiers = new(StringComparer.Ordinal)
    {
        "very", "really", "so", "super", "extremely", "totally", "completely", "absolutely", "incredibly", "truly", "highly",
        "deeply", "seriously", "much", "muito", "muy", "tan", "bem", "demasiado", "too",
    };
    private static readonly HashSet<string> Softeners = new(StringComparer.Ordinal) { "bit", "slightly", "kinda", "somewhat", "little", "fairly", "pouco", "poco", "meio", "algo" };

    private static readonly string[] NeutralPhrases =
    [
        "good morning", "good afternoon", "good evening", "good night", "bom dia", "boa tarde", "boa noite", "buenos dias",
        "buenas tardes", "buenas noches", "best regards", "kind regards", "would like", "i'd like", "we'd like", "feel free",
        "tudo bem", "how are you", "fine print", "wrong number", "quick question", "quick one", "please help", "well as", "as well", "shutting down", "scale down", "down payment",
    ];

    private static readonly (double Valence, string Pattern)[] Lexicon =
    [
        // positive
        (3, "love"), (3, "loved"), (3, "loving"), (2.5, "lovely"), (3, "great"), (3, "excellent"), (3, "amazing"), (3, "awesome"),
        (3, "fantastic"), (3, "perfect"), (3, "wonderful"), (3, "brilliant"), (2.5, "impressive"), (2.5, "impressed"), (3, "excited"),
        (2, "thanks"), (2, "thank"), (2, "appreciate"), (2, "appreciated"), (2, "grateful"), (2, "helpful"), (2, "good"),
        (2, "nice"), (2, "happy"), (2, "glad"), (2, "pleased"), (1.5, "cool"), (1.5, "interested"), (1, "easy"), (1, "smooth"),
        (1, "fast"), (2, "solved"), (1.5, "fixed"), (1.5, "works great"), (3, "best"), (2, "enjoy"),
        (1.5, "cheers"), (3, "congrats"), (3, "congratulations"), (1.5, "deserved"), (2, "yay"), (2, "can't wait"),
        (2, "hope you're well"), (2, "hope you're doing well"), (2, "hope you are well"), (2, "hope all is well"), (1, "well done"), (2, "useful"), (2, "satisfied"), (1.5, "reliable"), (2, "wow"),
        (2, "obrigado"), (2, "obrigada"), (2, "gracias"), (3, "otimo"), (3, "otima"), (3, "excelente"), (3, "perfeito"), (3, "adorei"),
        (1.5, "bom"), (1.5, "boa"), (1.5, "bueno"), (1.5, "buena"), (3, "genial"), (2, "gostei"), (2, "encantado"), (2, "feliz"),
        (2, "👍"), (2, "🙏"), (2, "😊"), (2, "🙂"), (2, "😀"), (3, "❤"), (3, "🎉"), (2, "💯"),
        // negative
        (-2, "bad"), (-3, "terrible"), (-3, "awful"), (-3, "horrible"), (-3, "worst"), (-3, "hate"), (-3, "angry"), (-3, "furious"),
        (-2, "annoyed"), (-2, "annoying"), (-2, "frustrated"), (-2, "frustrating"), (-2.5, "disappointed"), (-2.5, "disappointing"),
        (-3, "unacceptable"), (-3, "ridiculous"), (-3, "absurd"), (-3, "useless"), (-3, "garbage"), (-2, "broken"), (-2, "crash*"),
        (-1.5, "error"), (-1.5, "errors"), (-2, "fail"), (-2, "failed"), (-2, "failing"), (-2, "fails"), (-1.5, "failure"),
        (-1.5, "bug"), (-1.5, "bugs"), (-2, "buggy"), (-1, "issue"), (-1, "issues"), (-1.5, "problem"), (-1.5, "problems"),
        (-2, "wrong"), (-1.5, "slow"), (-1.5, "confusing"), (-1.5, "confused"), (-2, "unhappy"), (-2, "sad"), (-3, "rude"),
        (-3, "unprofessional"), (-2, "embarrassing"), (-2, "mess"), (-1.5, "expensive"), (-1.5, "pricey"), (-2, "overpriced"),
        (-2, "worried"), (-1.5, "concerned"), (-3, "scam"), (-1.5, "stuck"), (-1.5, "blocked"), (-2, "outage"), (-1.5, "lost"),
        (-2, "losing"), (-1.5, "mistake"), (-2, "ignored"), (-2, "downhill"), (-2, "worse"), (-2, "badly"), (-1.5, "timeout"),
        (-1.5, "declined"), (-2, "not working"), (-2, "isn't working"), (-2, "doesn't work"), (-2, "don't work"),
        (-2, "stopped working"), (-1.5, "stopped"), (-2, "can't log in"), (-2, "can't login"), (-2, "can't access"),
        (-2, "locked out"), (-2, "doesn't load"), (-2, "won't load"), (-2, "nobody"), (-2, "no one"), (-1.5, "never got"),
        (-1.5, "never arrives"), (-1.5, "never arrived"), (-2, "never showed"), (-1.5, "on hold"), (-2, "still waiting"),
        (-1.5, "been waiting"), (-1.5, "third time"), (-2, "charged twice"), (-2, "double charged"), (-2, "breach"),
        (-2, "hacked"), (-1.5, "down"), (-1, "unfortunately"), (-2, "complaint"), (-1, "hard"), (-1, "kinda confusing"),
        (-2, "keep breaking"), (-2, "keeps crashing"), (-1, "duplicated"), (-1.5, "unauthorized"), (-1, "too expensive"), (-1, "refund*"), (-1, "reembols*"), (-1, "go up"), (-1, "went up"),
        (-2, "isn't sending"), (-2, "not sending"), (-1.5, "customers are waiting"), (-2, "speak to a manager"),
        (-2, "talk to a manager"), (-2, "stop charging"), (-1, "didn't want"), (-1.5, "logs me out"), (-2, "expected better"),
        (-2.5, "expected much better"), (-1.5, "expected more"),
        (-1, "expired"), (-1.5, "suspended"), (-2, "not loading"), (-2, "not showing"), (-2, "not receiving"), (-2, "not arriving"),
        (-1.5, "disconnected"), (-2, "never agreed"), (-2.5, "lied"), (-2.5, "lying"), (-2.5, "is a joke"), (-1.5, "no reply"),
        (-3, "absurdo"), (-3, "horrivel"), (-3, "vergonha"), (-1.5, "ninguem"), (-2, "fora do ar"), (-2, "no llegan"),
        (-2, "nao chegam"), (-2, "no puedo entrar"), (-2, "nao consigo entrar"), (-2, "nao consigo acessar"), (-2, "no puedo acceder"),
        (-1.5, "dos veces"), (-2.5, "decepcionado"), (-2.5, "decepcionada"), (-1.5, "travando"), (-3, "falta de respeito"),
        (-2, "insatisfeito"), (-2, "insatisfecho"), (-3, "pessimo"), (-3, "pesimo"), (-3, "pessima"), (-2, "ruim"), (-2, "malo"),
        (-3, "verguenza"), (-1.5, "problema"), (-1.5, "erro"), (-1.5, "lento"), (-1.5, "demora"), (-2, "no funciona"),
        (-2, "nao funciona"), (-1.5, "nadie"), (-1, "esperando"), (-1.5, "duas vezes"),
        (-2, "👎"), (-2, "😡"), (-2, "😠"), (-1.5, "😞"), (-1.5, "😢"),
    ];
}
