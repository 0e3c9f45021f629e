using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Switchboard.Authorization;

namespace Switchboard.Panel;

public sealed class SignInModel(PanelLogins logins, FailureLimits limits) : PanelPage
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (limits.Wait(Failure.SignIn, HttpContext) is { } wait)
        {
            var seconds = FailureLimits.Seconds(wait);
            Response.Headers.RetryAfter = seconds;
            ModelState.AddModelError(
                "",
                $"Too many failed sign-ins from your network. Try again in {seconds} seconds.");
            var refused = Page();
            refused.StatusCode = StatusCodes.Status429TooManyRequests;
            return refused;
        }

        var result = await logins.SignInAsync(Email, Password, ct);
        if (result.User is not { } user)
        {
            limits.Count(Failure.SignIn, HttpContext);
            ModelState.AddModelError("", result.Problem!);
            return Page();
        }

        // A browser-session cookie: closing the browser signs out; the server also ends it after 8 idle hours.
        await HttpContext.SignInAsync(
            PanelSetup.Scheme,
            user.ToPrincipal(PanelSetup.Scheme),
            new AuthenticationProperties { IsPersistent = false });
        return LocalRedirect(
            ReturnUrl is { } url && Url.IsLocalUrl(url) && url.StartsWith(PanelSetup.Path, StringComparison.Ordinal)
                ? url
                : PanelSetup.Path);
    }
}
