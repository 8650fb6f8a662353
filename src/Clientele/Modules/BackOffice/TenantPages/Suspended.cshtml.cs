using Clientele.Modules.BackOffice.Suspension;
using Clientele.Platform.WebConsole;

namespace Clientele.Modules.BackOffice.TenantPages;

/// <summary>/app/suspended: where the console sends the people of a suspended organization (SuspensionGate), saying why.</summary>
public sealed class SuspendedModel : ConsolePage
{
    public SuspensionState.State? State { get; private set; }

    public async Task OnGetAsync()
    {
        await using var s = OpenSession();
        State = await SuspensionState.ReadAsync(s, Aborted);
    }
}
