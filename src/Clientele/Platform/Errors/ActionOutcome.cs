namespace Clientele.Platform.Errors;

/// <summary>
/// What a domain action (a state transition) decided: done, or refused (409 naming the current state,
/// 422 naming the field). The endpoint maps a refusal to its problem.
/// </summary>
public sealed record ActionOutcome(int Status, string? Field = null, string? Message = null)
{
    public static readonly ActionOutcome Done = new(200);
    public bool Ok => Status == 200;

    /// <summary>The action is not allowed in the row's current state.</summary>
    public static ActionOutcome NotIn(string state, string message) => new(409, "status", $"is {state}: {message}");
    public static ActionOutcome Invalid(string field, string message) => new(422, field, message);
    public static ActionOutcome Missing(string what) => new(404, null, what);

    public ProblemException ToProblem() => Status switch
    {
        409 => ProblemException.Conflict($"Not allowed: the {Field} {Message}", new Dictionary<string, string[]> { [Field!] = [Message!] }),
        404 => ProblemException.NotFound(Message!),
        _ => ProblemException.Validation(Field!, Message!),
    };

    public void ThrowIfRefused()
    {
        if (!Ok) throw ToProblem();
    }
}
