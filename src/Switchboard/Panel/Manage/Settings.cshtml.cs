using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;

namespace Switchboard.Panel.Manage;

public sealed class SettingsModel(InboundCallSettings settings) : InboundCallsPage
{
    public async Task OnGetAsync(CancellationToken ct)
    {
        Offer();
        Show(await settings.OfOrganizationAsync(OrganizationId, ct));
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Offer();
        return Saved(await settings.SetOrganizationAsync(OrganizationId, Setting, ct));
    }

    private void Offer() => Options =
    [
        new("lastAgent", LastAgent, "The default. The agent's phone rings; they press 1 to take the call."),
        new("forward", "Connect them to this phone number"),
    ];
}
