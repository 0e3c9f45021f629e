using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Switchboard.Audit;
using Switchboard.Authorization;
using Switchboard.Storage;

namespace Switchboard.Panel;

/// <summary>Signing out is a form post (with its antiforgery token), so another site cannot sign anyone out.</summary>
public sealed class SignOutModel(SwitchboardDb db, AuditTrail trail) : PanelPage
{
    public IActionResult OnGet() => LocalRedirect(PanelSetup.Path);

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(PanelSetup.Scheme);
        return LocalRedirect($"{PanelSetup.Path}/sign-in");
    }

    /// <summary>Ends every session of this person's sign-in, on every browser, this one included.</summary>
    public async Task<IActionResult> OnPostEverywhereAsync(CancellationToken ct)
    {
        if (PanelUser.LoginIdOf(User) is { } loginId
            && await db.PanelLogins.FirstOrDefaultAsync(l => l.Id == loginId, ct) is { } login)
        {
            login.NewSecurityStamp();
            db.AuditEntries.Add(await trail.ActionAsync(
                db,
                login.OrganizationId,
                AuditAction.SignedOutEverywhere,
                "panelLogin",
                login.Id.ToString(CultureInfo.InvariantCulture),
                [],
                ct));
            await db.SaveChangesAsync(ct);
        }

        await HttpContext.SignOutAsync(PanelSetup.Scheme);
        return LocalRedirect($"{PanelSetup.Path}/sign-in");
    }
}
