using Microsoft.AspNetCore.Mvc;

namespace Switchboard.Panel;

/// <summary>Admins start at the settings, agents at their calls.</summary>
public sealed class IndexModel : PanelPage
{
    public IActionResult OnGet() =>
        LocalRedirect(Caller.IsAdmin ? $"{PanelSetup.Path}/settings" : $"{PanelSetup.Path}/calls");
}
