using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;

namespace Switchboard.Panel.Manage;

/// <summary>The organization's hours: at any hour (none set) or only during them, and what happens after.</summary>
public sealed class OrganizationHoursModel(HoursSettings hours, TimeProvider clock) : HoursPage(clock)
{
    public const string Always = "always";
    public const string During = "hours";

    public override HoursOwner Owner => HoursOwner.Organization;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var current = Stored(await hours.OfOrganizationAsync(OrganizationId, ct));
        Mode = current is null ? Always : During;
        Show(current);
        ShowState(current, "");
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Mode == Always)
        {
            await hours.ClearOrganizationAsync(OrganizationId, ct);
            return SavedNow();
        }

        var answer = await hours.SetOrganizationAsync(OrganizationId, Posted(), ct);
        if (!answer.Done)
        {
            ShowState(Stored(await hours.OfOrganizationAsync(OrganizationId, ct)), "");
        }

        return Saved(answer);
    }
}
