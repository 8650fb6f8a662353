using System.Globalization;
using Clientele.Platform.Errors;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Customers.Pages;

/// <summary>/app/customers: the sortable, filterable customer table with keyset paging and the CSV export of the same filter.</summary>
public sealed class CustomersModel : ConsolePage
{
    public CustomerFilter Filter { get; private set; } = new();
    public CustomerPage Result { get; private set; } = new([], null, 0);
    public IReadOnlyList<string> Plans { get; private set; } = [];
    public IReadOnlyList<string> Segments { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Csms { get; private set; } = [];
    public string SortParam => (Filter.Descending ? "-" : "") + Filter.Sort;
    public bool Filtered => Filter with { Sort = "name", Descending = false } != new CustomerFilter();
    public string ExportHref { get; private set; } = "/app/customers/export";

    public async Task OnGetAsync()
    {
        var errors = new FieldErrors();
        Filter = CustomerFilter.Parse(Request.Query, errors);
        var after = KeysetCursor.Decode(Request.Query["after"], errors);
        foreach (var (field, messages) in errors.ToDictionary())
            foreach (var m in messages) ModelState.AddModelError(field, m);
        await using var s = OpenSession();
        Result = await CustomerList.ReadPageAsync(s, Filter, after, CustomerList.PageSize, Aborted);
        (Plans, Segments, Csms) = await CustomerList.ChoicesAsync(s, Aborted);
        ExportHref = "/app/customers/export" + QueryString.Create(Filter.ToQuery().Where(kv => kv.Value is not null)).ToString();
    }

    public static string Money(decimal? v) => v is { } m ? m.ToString("#,##0", CultureInfo.InvariantCulture) : "—";
    public static string Percent(decimal? v) => v is { } p ? (p * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : "—";

    /// <summary>The chip class of a health score (the band's words are printed beside it).</summary>
    public static string HealthClass(int? score) => score switch { null => "", >= 70 => "good", >= 40 => "warn", _ => "bad" };

    public static string Renewal(DateOnly? d)
    {
        if (d is not { } date) return "—";
        var days = date.DayNumber - DateOnly.FromDateTime(DateTime.UtcNow).DayNumber;
        var when = days switch { 0 => "today", < 0 => $"{-days} d ago", _ => $"in {days} d" };
        return $"{date:yyyy-MM-dd} ({when})";
    }
}

/// <summary>/app/customers/export: every customer that matches the table's filter as CSV, streamed.</summary>
public sealed class CustomersExportModel : ConsolePage
{
    public async Task<IActionResult> OnGetAsync()
    {
        var errors = new FieldErrors();
        var filter = CustomerFilter.Parse(Request.Query, errors);
        if (errors.Any) return Redirect("/app/customers" + Request.QueryString);
        await using var s = OpenSession();
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"{CustomerCsvExport.FileName(DateTimeOffset.UtcNow)}\"";
        await CustomerCsvExport.WriteAsync(s, filter, Response.Body, Aborted);
        return new EmptyResult();
    }
}
