using System.Text.RegularExpressions;

namespace Clientele.Modules.Success.Transcripts;

/// <summary>
/// The phrases the built-in meeting analyzer looks for, each with what it means: commitments and
/// requests (action items), follow-ups, churn risks, expansion and competitors. Kept apart from
/// the analyzer so the lists can be read (and extended) in one place.
/// </summary>
internal static partial class TranscriptCues
{
    [GeneratedRegex(@"\b(?:I'll|I will|we'll|we will|I'm going to|we're going to|I am going to|we are going to|I promise|we promise|I commit|we commit|I'll make sure|let me)\b", RegexOptions.IgnoreCase)]
    public static partial Regex Commitment();

    [GeneratedRegex(@"\b(?:action item|next step|to-?do|can you|could you|would you|please (?:send|share|schedule|set up|review|confirm|check)|need(?:s)? to (?:send|share|schedule|review|confirm|fix|set up))\b", RegexOptions.IgnoreCase)]
    public static partial Regex Request();

    [GeneratedRegex(@"\b(?:follow(?:ing)?[ -]up|get back to|circle back|send (?:it |that |this )?over|reconvene|next (?:meeting|call|sync)|check in|touch base|catch up)\b", RegexOptions.IgnoreCase)]
    public static partial Regex FollowUp();

    /// <summary>Churn risks: (type, severity, pattern).</summary>
    public static readonly (string Type, string Severity, Regex Pattern)[] Risks =
    [
        ("cancellation", "high", new(@"\b(?:cancel(?:l?ing|led)?|not (?:going to )?renew|won't renew|terminat(?:e|ing)|churn|end (?:the|our) contract|walk away)\b", RegexOptions.IgnoreCase)),
        ("competitor_evaluation", "high", new(@"\b(?:evaluating (?:other|alternative)s?|looking at (?:other|alternative)s?|alternatives?|other vendors?|switch(?:ing)? to|moving to|an RFP|request for proposal)\b", RegexOptions.IgnoreCase)),
        ("champion_change", "high", new(@"\b(?:leaving the company|last day|new role|moving on|reorg(?:anization)?|layoffs?|new (?:VP|CTO|CFO|head of))\b", RegexOptions.IgnoreCase)),
        ("budget", "medium", new(@"\b(?:budget (?:cuts?|freeze|is tight|was cut)|cut(?:ting)? costs|too expensive|price increase|cheaper|reduce (?:the )?seats|fewer seats|downgrad(?:e|ing))\b", RegexOptions.IgnoreCase)),
        ("dissatisfaction", "medium", new(@"\b(?:frustrat(?:ed|ing)|disappoint(?:ed|ing)|unhappy|not working|outages?|keeps? (?:breaking|crashing)|escalat(?:e|ed|ion))\b", RegexOptions.IgnoreCase)),
        ("low_adoption", "medium", new(@"\b(?:not using|stopped using|nobody uses|no one uses|low adoption|barely use)\b", RegexOptions.IgnoreCase)),
    ];

    /// <summary>Expansion: (type, pattern); a seats pattern's first group is the number of seats.</summary>
    public static readonly (string Type, Regex Pattern)[] Expansion =
    [
        ("seats", new(@"\b(\d{1,5})\s+(?:more|additional|extra|new)\s+(?:seats|users|licen[cs]es)\b|\badd(?:ing)?\s+(\d{1,5})\s+(?:more\s+)?(?:seats|users|licen[cs]es|people)\b|\bmore (?:seats|licen[cs]es)\b", RegexOptions.IgnoreCase)),
        ("new_team", new(@"\b(?:another team|other teams|roll(?:ing)? (?:it )?out to|new department|other departments|second team|new office|other (?:regions|offices))\b", RegexOptions.IgnoreCase)),
        ("upgrade", new(@"\b(?:upgrad(?:e|ing)|enterprise plan|premium plan|higher tier|add-?on)\b", RegexOptions.IgnoreCase)),
        ("growth", new(@"\b(?:growing fast|doubl(?:e|ing) (?:the team|headcount|our usage)|hiring|expand(?:ing)?)\b", RegexOptions.IgnoreCase)),
    ];

    /// <summary>Customer success and support tools a CSM competes with, found by name.</summary>
    public static readonly string[] KnownCompetitors =
    [
        "Gainsight", "Vitally", "ChurnZero", "Planhat", "Totango", "Catalyst", "ClientSuccess", "Salesforce", "HubSpot", "Zendesk",
        "Intercom", "Freshdesk", "Freshworks", "Zoho", "Pipedrive", "Help Scout", "Gorgias", "Kustomer", "Drift",
    ];

    /// <summary>A capitalized name after "switching to", "evaluating", "a quote from"…: an unknown competitor.</summary>
    [GeneratedRegex(@"\b(?:switch(?:ing)? to|moving to|migrat(?:e|ing) to|evaluating|demo (?:of|from|with)|quote from|offer from|trial (?:of|with)|pilot with|compared to|cheaper than|talking to)\s+([A-Z][\w&.-]+(?:\s[A-Z][\w&.-]+)?)")]
    public static partial Regex NamedAlternative();

    /// <summary>Capitalized words that follow those phrases without being a company.</summary>
    public static readonly HashSet<string> NotCompanies = new(StringComparer.OrdinalIgnoreCase)
    {
        "I", "We", "The", "Our", "Your", "Their", "It", "This", "That", "Them", "You", "Q1", "Q2", "Q3", "Q4", "January", "February", "March", "April",
        "May", "June", "July", "August", "September", "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Next", "Another",
    };

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    public static partial Regex SentenceSplit();
}
