using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.Extensions.Primitives;

namespace Clientele.Platform.WebConsole;

/// <summary>
/// &lt;empty-state heading="No conversations yet" action-href="/app/settings" action-text="Connect a channel"&gt;what to do&lt;/empty-state&gt;:
/// what an empty list says instead of an empty table.
/// </summary>
[HtmlTargetElement("empty-state")]
public sealed class EmptyStateTagHelper : TagHelper
{
    public string Heading { get; set; } = "Nothing here yet";
    public string? ActionHref { get; set; }
    public string? ActionText { get; set; }

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        var body = (await output.GetChildContentAsync()).GetContent();
        output.TagName = "div";
        output.Attributes.SetAttribute("class", "empty-state");
        output.Attributes.SetAttribute("role", "status");
        var e = HtmlEncoder.Default;
        var action = ActionHref is null ? "" : $"<p><a class=\"button\" href=\"{e.Encode(ActionHref)}\">{e.Encode(ActionText ?? "Get started")}</a></p>";
        output.Content.SetHtmlContent($"<h2>{e.Encode(Heading)}</h2><p>{body}</p>{action}");
    }
}

/// <summary>
/// &lt;field-error name="Email" /&gt;: the field's model-state messages as a paragraph whose id
/// ("Email-error") the input names in aria-describedby; nothing when the field is valid.
/// </summary>
[HtmlTargetElement("field-error", TagStructure = TagStructure.WithoutEndTag)]
public sealed class FieldErrorTagHelper : TagHelper
{
    public string Name { get; set; } = "";
    [ViewContext, HtmlAttributeNotBound] public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        output.TagName = null;
        if (!ViewContext.ModelState.TryGetValue(Name, out var entry) || entry.Errors.Count == 0) return;
        var e = HtmlEncoder.Default;
        var text = string.Join(" ", entry.Errors.Select(x => x.ErrorMessage));
        output.Content.SetHtmlContent($"<p class=\"field-error\" id=\"{e.Encode(Name)}-error\">{e.Encode(text)}</p>");
    }

    public static bool HasError(ViewContext v, string name) => v.ModelState.TryGetValue(name, out var x) && x.Errors.Count > 0;
}

/// <summary>
/// &lt;th sort-key="mrr" sort-current="@Model.Sort"&gt;MRR&lt;/th&gt;: a sortable column header that links to the
/// same page with sort=key (or -key when already ascending), keeps the other query parameters, drops
/// the page cursor, and says its state in aria-sort (not by an arrow alone).
/// </summary>
[HtmlTargetElement("th", Attributes = "sort-key")]
public sealed class SortHeaderTagHelper : TagHelper
{
    public string SortKey { get; set; } = "";
    public string? SortCurrent { get; set; }
    [ViewContext, HtmlAttributeNotBound] public ViewContext ViewContext { get; set; } = null!;

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        var label = (await output.GetChildContentAsync()).GetContent();
        var asc = SortCurrent == SortKey;
        var desc = SortCurrent == "-" + SortKey;
        output.Attributes.SetAttribute("scope", "col");
        output.Attributes.SetAttribute("aria-sort", asc ? "ascending" : desc ? "descending" : "none");
        var href = QueryLinks.With(ViewContext.HttpContext.Request, ("sort", asc ? "-" + SortKey : SortKey), ("after", null), ("before", null));
        var mark = asc ? " ▲" : desc ? " ▼" : "";
        output.Content.SetHtmlContent($"<a href=\"{HtmlEncoder.Default.Encode(href)}\">{label}<span aria-hidden=\"true\">{mark}</span></a>");
    }
}

/// <summary>&lt;keyset-pager next="@Model.NextCursor" /&gt;: "Newer"/"Older" links for keyset paging (after=cursor).</summary>
[HtmlTargetElement("keyset-pager", TagStructure = TagStructure.WithoutEndTag)]
public sealed class KeysetPagerTagHelper : TagHelper
{
    public string? Next { get; set; }
    public string Label { get; set; } = "Older";
    [ViewContext, HtmlAttributeNotBound] public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var req = ViewContext.HttpContext.Request;
        output.TagName = "nav";
        output.Attributes.SetAttribute("class", "pager");
        output.Attributes.SetAttribute("aria-label", "Pages");
        output.TagMode = TagMode.StartTagAndEndTag;
        var e = HtmlEncoder.Default;
        var html = "";
        if (req.Query.ContainsKey("after")) html += $"<a href=\"{e.Encode(QueryLinks.With(req, ("after", null), ("handler", null)))}\">First page</a>";
        if (Next is not null) html += $"<a href=\"{e.Encode(QueryLinks.With(req, ("after", Next), ("handler", null)))}\" rel=\"next\">{e.Encode(Label)} →</a>";
        output.Content.SetHtmlContent(html);
    }
}

public static class QueryLinks
{
    /// <summary>The current path and query with some parameters replaced (null removes them).</summary>
    public static string With(HttpRequest req, params (string Key, string? Value)[] changes)
    {
        var q = req.Query.ToDictionary(x => x.Key, x => x.Value, StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in changes)
        {
            if (v is null) q.Remove(k);
            else q[k] = new StringValues(v);
        }
        var qb = new QueryBuilder();
        foreach (var (k, v) in q) foreach (var one in v) if (one is not null) qb.Add(k, one);
        return req.Path + qb.ToQueryString().ToString();
    }
}
