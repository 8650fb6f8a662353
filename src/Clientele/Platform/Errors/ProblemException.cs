namespace Clientele.Platform.Errors;

/// <summary>
/// A failure the client caused or must know about, rendered as RFC 9457 problem+json.
/// `errors` names the offending fields (JSON names) with one message each.
/// </summary>
public sealed class ProblemException(int status, string title, string? detail = null, IDictionary<string, string[]>? errors = null)
    : Exception(detail ?? title)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;
    public IDictionary<string, string[]>? Errors { get; } = errors;
    /// <summary>A problem type URI beyond the status (e.g. .../problems/plan-limit); null: the status's RFC 9110 section.</summary>
    public string? Type { get; init; }
    /// <summary>Extension members written at the top level of the problem (limit, used, ...).</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    public const string PlanLimitType = "https://clientele.dev/problems/plan-limit";

    /// <summary>402: the organization's plan does not allow more of something (docs/billing.md, plan limits).</summary>
    public static ProblemException PlanLimit(string limit, long max, long used, string? plan, string detail) =>
        new(402, "Plan limit reached", detail, new Dictionary<string, string[]> { [limit] = [detail] })
        {
            Type = PlanLimitType,
            Extensions = new Dictionary<string, object?> { ["limit"] = limit, ["max"] = max, ["used"] = used, ["plan"] = plan },
        };

    public static ProblemException BadRequest(string detail, IDictionary<string, string[]>? errors = null) => new(400, "Bad request", detail, errors);
    public static ProblemException NotFound(string detail = "The resource does not exist.") => new(404, "Not found", detail);
    public static ProblemException Forbidden(string detail) => new(403, "Forbidden", detail);
    public static ProblemException Conflict(string detail, IDictionary<string, string[]>? errors = null) => new(409, "Conflict", detail, errors);
    public static ProblemException Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        new(422, "Validation failed", detail ?? "One or more fields are invalid: " + string.Join(", ", errors.Keys) + ".", errors);
    public static ProblemException Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>Collects field errors and throws them together.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);
    public bool Any => _errors.Count > 0;
    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }
    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    public void ThrowIfAny(int status = 422)
    {
        if (!Any) return;
        throw status == 400 ? ProblemException.BadRequest("One or more query parameters are invalid: " + string.Join(", ", _errors.Keys) + ".", ToDictionary())
                            : ProblemException.Validation(ToDictionary());
    }
}

/// <summary>
/// An exception of a module that knows how it should look to API clients (e.g. a model provider
/// outage → 503). The error middleware renders it instead of a 500.
/// </summary>
public interface IProblemSource
{
    ProblemException ToProblem();
}
