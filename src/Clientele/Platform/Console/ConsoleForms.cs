using Clientele.Platform.Errors;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Npgsql;

namespace Clientele.Platform.WebConsole;

/// <summary>
/// Runs a form's write and turns the client's mistakes into field messages for the re-rendered
/// form: a ProblemException with field errors (422/409), or a database constraint the service did
/// not check first (mapped like the API does). Returns false when the form must be shown again.
/// Field names are the API's (snake_case); <paramref name="fieldOf"/> maps them to the form's inputs.
/// </summary>
public static class ConsoleForms
{
    public static async Task<bool> TryAsync(ModelStateDictionary state, SchemaCatalog catalog, Func<Task> write, Func<string, string>? fieldOf = null)
    {
        try
        {
            await write();
            return true;
        }
        catch (Exception e) when (Problem(e, catalog) is { Status: 409 or 422 or 400 } p)
        {
            if (p.Errors is { Count: > 0 } errors)
                foreach (var (field, messages) in errors)
                    foreach (var m in messages) state.AddModelError(fieldOf?.Invoke(field) ?? field, m);
            else state.AddModelError("", p.Detail ?? p.Title);
            return false;
        }
    }

    private static ProblemException? Problem(Exception e, SchemaCatalog catalog) => e switch
    {
        ProblemException p => p,
        PostgresException pg => PostgresErrorMapper.Map(pg, catalog),
        _ => null,
    };
}
