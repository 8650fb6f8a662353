namespace Clientele.Modules.Sales.Activities;

/// <summary>How an activity is named to people: "Follow up: Send the pricing".</summary>
public static class ActivityLabel
{
    public static readonly string[] Types = ["call", "email", "meeting", "demo", "proposal", "follow_up"];

    public static string Type(string type) => type.Length == 0 ? type : char.ToUpperInvariant(type[0]) + type[1..].Replace('_', ' ');

    public static string Title(string type, string? subject) => Type(type) + (string.IsNullOrEmpty(subject) ? "" : ": " + subject);
}
