using Clientele.Platform.Resources;
using Npgsql;

namespace Clientele.Platform.Errors;

/// <summary>
/// Maps the database's verdict on bad input to the API's: unique → 409, check / not-null /
/// foreign key / bad value → 422 naming the field (constraint columns come from the catalog).
/// Anything else is not the client's fault and stays an exception.
/// </summary>
public static class PostgresErrorMapper
{
    public static ProblemException? Map(PostgresException e, SchemaCatalog? catalog)
    {
        string[] Fields() => catalog?.ConstraintColumns(e.ConstraintName) is { Length: > 0 } cols ? cols
            : e.ColumnName is { } c ? [c] : ["_"];
        Dictionary<string, string[]> Each(string message) => Fields().ToDictionary(f => f, _ => new[] { message });

        return e.SqlState switch
        {
            PostgresErrorCodes.UniqueViolation =>
                ProblemException.Conflict($"A row with the same {string.Join(", ", Fields())} already exists.", Each("is already taken")),
            PostgresErrorCodes.CheckViolation =>
                ProblemException.Validation(Each(catalog?.CheckCondition(e.ConstraintName) is { } rule
                    ? $"must satisfy {rule} (rule {e.ConstraintName})" : $"violates the rule {e.ConstraintName}")),
            PostgresErrorCodes.NotNullViolation =>
                ProblemException.Validation(new Dictionary<string, string[]> { [e.ColumnName ?? "_"] = ["is required"] }),
            PostgresErrorCodes.ForeignKeyViolation =>
                ProblemException.Validation(Each(e.MessageText.Contains("still referenced", StringComparison.Ordinal) || e.Detail?.Contains("still referenced", StringComparison.Ordinal) == true
                    ? "is still referenced by other rows" : "refers to a row that does not exist")),
            PostgresErrorCodes.StringDataRightTruncation or PostgresErrorCodes.NumericValueOutOfRange
                or PostgresErrorCodes.InvalidTextRepresentation or PostgresErrorCodes.InvalidDatetimeFormat
                or PostgresErrorCodes.DatetimeFieldOverflow or PostgresErrorCodes.InvalidParameterValue
                or PostgresErrorCodes.InvalidBinaryRepresentation or PostgresErrorCodes.ExclusionViolation
                // Text the checks in JsonText/ListQuery should already have refused (NUL, bad escapes): never a 500.
                or PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter
                or PostgresErrorCodes.InvalidEscapeSequence or PostgresErrorCodes.InvalidRegularExpression =>
                ProblemException.Validation(new Dictionary<string, string[]> { [e.ColumnName ?? "_"] = [e.MessageText] }),
            PostgresErrorCodes.InsufficientPrivilege => ProblemException.Forbidden(e.MessageText),
            PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable =>
                ProblemException.Conflict("The row was changed concurrently; retry the request."),
            // A trigger refusing a state transition (billing: a paid invoice, a line on an open invoice).
            // The platform plan's limit (migration 0041): HINT carries {limit, max, used, plan}.
            "CL402" => PlanLimit(e),
            "CL409" => ProblemException.Conflict(e.MessageText, new Dictionary<string, string[]> { [e.ColumnName ?? "status"] = [e.MessageText] }),
            PostgresErrorCodes.RaiseException when e.ColumnName is { } column =>
                ProblemException.Validation(new Dictionary<string, string[]> { [column] = [e.MessageText] }),
            PostgresErrorCodes.RaiseException => ProblemException.Validation(new Dictionary<string, string[]> { ["_"] = [e.MessageText] }),
            _ => null,
        };
    }

    private static ProblemException PlanLimit(PostgresException e)
    {
        using var d = System.Text.Json.JsonDocument.Parse(e.Hint is { Length: > 0 } h && h[0] == '{' ? h : "{}");
        var r = d.RootElement;
        return ProblemException.PlanLimit(
            r.TryGetProperty("limit", out var l) ? l.GetString()! : e.ColumnName ?? "plan",
            r.TryGetProperty("max", out var m) ? m.GetInt64() : 0,
            r.TryGetProperty("used", out var u) ? u.GetInt64() : 0,
            r.TryGetProperty("plan", out var p) ? p.GetString() : null,
            e.MessageText);
    }

}
