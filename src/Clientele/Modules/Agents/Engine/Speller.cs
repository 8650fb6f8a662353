namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// Fixes one-letter typos in words the engine looks for ("prcing", "cancle", "subscripton",
/// "invioce"): an unknown word of five letters or more that is one edit (insert, delete,
/// substitute, swap) from a cue word with the same first letter becomes that word. Common words
/// are known, so "tried" never becomes "tired".
/// </summary>
internal sealed class Speller
{
    // Frequent words that are one letter away from a cue word ("writing"/"waiting", "tried"/"tired").
    private static readonly string[] CommonWords =
    [
        "preciso", "precisamos", "precisa", "queria", "quero", "quiero", "gostaria", "tenho", "temos", "estou", "estamos", "tengo",
        "tenemos", "necesito", "puedo", "podemos", "fazer", "hacer", "sistema", "cuenta", "conta", "ahora", "agora", "mensagem",
        "mensaje", "cliente", "clientes", "equipe", "equipo", "porque", "quando", "cuando", "donde", "mesmo", "mismo", "tambem",
        "tambien", "favor", "minha", "nossa", "nuestro", "nuestra", "obrigado", "gracias", "anual", "mensal", "mensual", "sobre",
        "todos", "todas", "ainda", "todavia", "outro", "outra", "otro", "otra", "usuarios", "usuario", "agentes", "pessoas", "personas",
        "about", "above", "adding", "after", "afternoon", "again", "against", "agent", "agents", "agree", "ahead", "allow",
        "almost", "alone", "along", "already", "also", "although", "always", "among", "amount", "another", "answer", "anymore",
        "anyone", "anything", "anyway", "appear", "apply", "april", "around", "arrive", "aside", "asked", "asking", "assume",
        "attach", "audio", "avoid", "aware", "based", "basic", "basis", "became", "because", "become", "before", "began",
        "begin", "being", "below", "better", "between", "beyond", "bills", "black", "blank", "board", "books", "boost", "bottom",
        "brain", "branch", "bread", "break", "bring", "broad", "brought", "brown", "build", "built", "business", "buyer",
        "buying", "calls", "carry", "catch", "cause", "center", "certain", "chain", "chair", "chance", "change", "chart",
        "check", "chief", "child", "choice", "choose", "chose", "claim", "class", "clean", "clear", "click", "client", "climb",
        "clock", "close", "cloud", "coach", "coast", "codes", "color", "coming", "common", "company", "compare", "contact",
        "content", "control", "corner", "could", "count", "country", "couple", "course", "cover", "create", "credit", "cross",
        "crowd", "current", "customer", "customers", "daily", "dance", "dates", "dealt", "death", "debit", "decide", "delay",
        "depth", "detail", "device", "digit", "dinner", "direct", "doing", "doubt", "dozen", "draft", "drawn", "dream", "dress",
        "drink", "drive", "earlier", "early", "earth", "eight", "either", "email", "emails", "empty", "ended", "enjoy", "enough",
        "enter", "entry", "equal", "evening", "event", "every", "everyone", "everything", "exact", "exist", "extra", "faith",
        "false", "fault", "favor", "feature", "features", "field", "fifth", "fifty", "fight", "final", "first", "fixed", "flash",
        "floor", "focus", "force", "forms", "forth", "forty", "forum", "found", "frame", "frank", "fresh", "friday", "front",
        "fruit", "fully", "funny", "getting", "given", "giving", "glass", "going", "goods", "grand", "grant", "great", "green",
        "gross", "group", "grown", "guard", "guess", "guest", "happy", "having", "heard", "heart", "heavy", "hello", "hence",
        "horse", "hotel", "hours", "house", "ideal", "image", "imply", "index", "inner", "input", "items", "joint", "judge",
        "known", "label", "large", "lately", "later", "laugh", "layer", "learn", "least", "leaving", "legal", "level", "light",
        "limit", "lines", "links", "living", "local", "logic", "looking", "loose", "lower", "lucky", "lunch", "major", "maker",
        "making", "match", "maybe", "means", "meant", "media", "message", "messages", "metal", "might", "minor", "minus",
        "mixed", "mobile", "model", "monday", "money", "month", "months", "moral", "morning", "motor", "mount", "mouse", "mouth",
        "moved", "movie", "moving", "music", "needs", "never", "newly", "night", "noise", "north", "noted", "notes", "nothing",
        "novel", "number", "nurse", "occur", "ocean", "offer", "office", "often", "online", "option", "options", "order",
        "other", "ought", "paint", "panel", "paper", "party", "paying", "peace", "people", "phase", "phone", "photo", "piece",
        "pitch", "place", "plain", "plane", "plans", "plant", "plate", "please", "point", "pound", "power", "press", "pride",
        "prime", "print", "prior", "prize", "product", "products", "proof", "proud", "prove", "queen", "question", "questions",
        "quick", "quiet", "quite", "radio", "raise", "range", "rapid", "ratio", "reach", "reading", "ready", "refer", "relax",
        "reply", "right", "river", "rough", "round", "route", "royal", "rural", "sales", "saturday", "saying", "scale", "scene",
        "scope", "score", "seats", "selling", "sending", "sense", "serve", "service", "services", "seven", "shall", "shape",
        "share", "sharp", "sheet", "shelf", "shell", "shift", "shirt", "shock", "shoot", "short", "shown", "sight", "since",
        "sixth", "sixty", "sized", "skill", "sleep", "slide", "small", "smart", "smile", "solid", "solve", "someday", "someone",
        "something", "somewhere", "sorry", "sound", "south", "space", "spare", "speak", "speed", "spend", "spent", "split",
        "spoke", "sport", "stage", "stand", "start", "started", "state", "steam", "steel", "stick", "still", "stock", "stone",
        "stood", "store", "stores", "storm", "story", "strip", "study", "stuff", "style", "sugar", "suite", "sunday", "support",
        "sweet", "system", "systems", "table", "taken", "taking", "talking", "taste", "taxes", "teach", "team", "teams", "teeth",
        "thanks", "theme", "there", "these", "thick", "thing", "think", "third", "those", "three", "threw", "throw", "thursday",
        "tight", "times", "title", "today", "tomorrow", "topic", "total", "touch", "tough", "tower", "track", "trade", "trail",
        "train", "trend", "tried", "truly", "trust", "truth", "trying", "tuesday", "twice", "under", "union", "unity", "until",
        "upper", "upset", "urban", "users", "using", "usual", "valid", "value", "video", "virus", "visit", "vital", "voice",
        "walking", "waste", "watch", "watching", "water", "wednesday", "weeks", "wheel", "where", "which", "while", "white",
        "whole", "whose", "woman", "women", "words", "working", "world", "worry", "worth", "would", "wound", "write", "writing",
        "wrote", "yesterday", "yield", "young", "youth",
    ];

    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly string[] _stems;
    private readonly Dictionary<char, List<string>> _byFirstLetter = [];

    public Speller(IEnumerable<string> cueWords)
    {
        var stems = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var w in cueWords)
        {
            if (w.EndsWith('*')) stems.Add(w[..^1]);
            else _known.Add(w);
        }
        foreach (var w in CommonWords) _known.Add(w);
        _stems = [.. stems];
        foreach (var w in _known.Concat(_stems).Where(w => w.Length >= 5 && w.All(char.IsLetter)).Distinct().Order(StringComparer.Ordinal))
        {
            if (!_byFirstLetter.TryGetValue(w[0], out var list)) _byFirstLetter[w[0]] = list = [];
            list.Add(w);
        }
    }

    public void Correct(List<Token> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var word = tokens[i].Text;
            if (word.Length < 5 || _known.Contains(word) || !word.All(char.IsLetter) || HasStem(word)) continue;
            if (!_byFirstLetter.TryGetValue(word[0], out var candidates)) continue;
            foreach (var c in candidates)
            {
                // A stem ("subscri") is compared with the word's beginning of the same length.
                var isStem = Array.BinarySearch(_stems, c, StringComparer.Ordinal) >= 0;
                var compared = isStem && word.Length > c.Length + 1 ? word[..c.Length] : word;
                if (Math.Abs(compared.Length - c.Length) > 1 || !WithinOneEdit(compared, c)) continue;
                if (!isStem && (word.StartsWith(c, StringComparison.Ordinal) || c.StartsWith(word, StringComparison.Ordinal))) continue; // "escalated" is not a typo of "escalate"
                tokens[i] = tokens[i] with { Text = isStem ? c + word[compared.Length..] : c };
                break;
            }
        }
    }

    private bool HasStem(string word)
    {
        foreach (var s in _stems) if (word.StartsWith(s, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>Optimal string alignment distance ≤ 1 (one insert, delete, substitution or adjacent swap).</summary>
    internal static bool WithinOneEdit(string a, string b)
    {
        if (a == b) return true;
        if (a.Length == b.Length)
        {
            var first = -1;
            for (var i = 0; i < a.Length; i++)
            {
                if (a[i] == b[i]) continue;
                if (first < 0) { first = i; continue; }
                // a second difference: only a swap of neighbours is still one edit
                return i == first + 1 && a[first] == b[i] && a[i] == b[first] && a.AsSpan(i + 1).SequenceEqual(b.AsSpan(i + 1));
            }
            return true;
        }
        var (shorter, longer) = a.Length < b.Length ? (a, b) : (b, a);
        if (longer.Length - shorter.Length != 1) return false;
        var k = 0;
        while (k < shorter.Length && shorter[k] == longer[k]) k++;
        return shorter.AsSpan(k).SequenceEqual(longer.AsSpan(k + 1));
    }
}
