using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Clientele.Platform.WebConsole;

/// <summary>
/// A console page that lists one resource's rows and lets admins add or edit them in place
/// (agents, channels). The page checks its form into a JSON body (field messages in ModelState);
/// SaveAsync writes it through the resource store (validated, audited, like the API), turns the
/// store's field errors into the form's messages, and either redirects with a flash or re-renders
/// with status 422 and the failed row's form open.
/// </summary>
public abstract class ResourceFormPage<TRow> : ConsolePage
{
    public IReadOnlyList<TRow> Rows { get; private set; } = [];
    public string? Flash { get; private set; }
    /// <summary>The row whose form failed (Guid.Empty: the add form); it opens with the messages.</summary>
    public Guid? Failed { get; private set; }

    /// <summary>The resource (table) the forms write.</summary>
    protected abstract string Resource { get; }
    /// <summary>Where a successful save goes (the page itself, maybe with a fragment).</summary>
    protected abstract string AfterSave(Guid id);
    /// <summary>The list query; $1 is the organization.</summary>
    protected abstract string ListSql { get; }
    protected abstract TRow Map(NpgsqlDataReader r);
    /// <summary>The form input an API field's message belongs to ("" for the form as a whole).</summary>
    protected abstract string FieldOf(string apiField);
    /// <summary>Clears what must not be echoed into a re-rendered form (secrets).</summary>
    protected virtual void BeforeRerender() { }

    public async Task OnGetAsync()
    {
        Flash = TempData["flash"] as string;
        await LoadAsync();
    }

    /// <summary>Creates (id Guid.Empty) or updates the row from body unless the form already has messages.</summary>
    protected async Task<IActionResult> SaveAsync(Guid id, JsonObject body, string done)
    {
        if (ModelState.IsValid)
        {
            var def = Service<ResourceRegistry>().Find(Resource)!;
            var ok = await ConsoleForms.TryAsync(ModelState, Service<SchemaCatalog>(), async () =>
            {
                using var doc = JsonDocument.Parse(body.ToJsonString());
                await using var s = OpenSession();
                if (id == Guid.Empty) await Service<ResourceStore>().CreateAsync(s, def, doc.RootElement, Aborted);
                else await Service<ResourceStore>().UpdateAsync(s, def, id, doc.RootElement, null, Aborted);
            }, FieldOf);
            if (ok)
            {
                TempData["flash"] = done;
                return Redirect(AfterSave(id));
            }
        }
        Failed = id;
        Response.StatusCode = 422;
        BeforeRerender();
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        await using var s = OpenSession();
        var list = new List<TRow>();
        await using var r = await s.ReadAsync(ListSql, [new NpgsqlParameter { Value = Tenant.OrganizationId }], Aborted);
        while (await r.ReadAsync(Aborted)) list.Add(Map(r));
        Rows = list;
    }

    protected static string? S(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
