using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Platform.Search.Pages;

/// <summary>
/// /app/search?q=: the header's search box. As the user types, htmx asks for the results fragment
/// (a list under the box); without JavaScript the form submits and this page shows the same results.
/// </summary>
public sealed class SearchModel : ConsolePage
{
    public string? Query { get; private set; }
    public IReadOnlyList<SearchHit> Hits { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string? q)
    {
        Query = q?.Trim();
        if (GlobalSearch.Normalize(q) is { } text)
        {
            await using var s = OpenSession();
            Hits = await GlobalSearch.FindAsync(s, text, Aborted);
        }
        return IsHtmx ? Partial("_SearchResults", this) : Page();
    }

    public static string KindLabel(string kind) => kind switch
    {
        "customer" => "Customers", "conversation" => "Conversations", "lead" => "Leads", "prospect" => "Prospects", _ => kind,
    };
}
