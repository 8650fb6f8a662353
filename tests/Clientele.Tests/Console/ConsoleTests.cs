namespace Clientele.Tests.Console;

/// <summary>
/// What every console browser test class starts from: the collection's host and Chromium (App),
/// the one demo organization of the run, a signed-in page already at a path, and counting rows
/// (owner connection) to compare a page with the database.
/// </summary>
public abstract class ConsoleTests(ConsoleFixture fixture)
{
    protected ConsoleFixture App { get; } = fixture;

    protected Task<DemoTenant> DemoAsync() => DemoTenant.GetAsync(App);

    /// <summary>A new browser context signed in as email, its page at path (the caller disposes it).</summary>
    protected async Task<ConsolePage> OpenAsync(string email, string path, int width = 1280, int height = 800)
    {
        var cp = await App.PageAsync(email, width: width, height: height);
        await cp.Page.GotoAsync(path);
        return cp;
    }

    /// <summary>A scalar (count, sum) of a query on the owner connection; $1, $2... are args.</summary>
    protected Task<long> CountAsync(string sql, params object[] args) => DemoTenant.CountAsync(App, sql, args);
}
