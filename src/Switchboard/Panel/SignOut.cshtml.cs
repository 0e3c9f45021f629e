using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Switchboard.Panel;

/// <summary>Signing out is a form post (with its antiforgery token), so another site cannot sign anyone out.</summary>
public sealed class SignOutModel : PanelPage
{
    public IActionResult OnGet() => LocalRedirect(PanelSetup.Path);

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(PanelSetup.Scheme);
        return LocalRedirect($"{PanelSetup.Path}/sign-in");
    }
}
