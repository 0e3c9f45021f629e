using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Phones;
using Switchboard.Kernel;

namespace Switchboard.Panel.Manage;

/// <summary>A group's hours: the organization's (the default) or its own.</summary>
public sealed class GroupHoursModel(
    GroupsAndInboxes owners,
    HoursSettings hours,
    PhoneDisplay phones,
    TimeProvider clock)
    : OwnerHoursPage(hours, phones, clock)
{
    public override HoursOwner Owner => HoursOwner.Group;

    public OwnerAnswer Group { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long groupId, CancellationToken ct)
    {
        var group = await owners.GroupAsync(OrganizationId, groupId, ct);
        if (group.Refusal is { } refusal)
        {
            return Refused(refusal);
        }

        Group = group.Value!;
        return await ShowAsync(await Hours.OfGroupAsync(OrganizationId, groupId, ct), ct);
    }

    public async Task<IActionResult> OnPostAsync(long groupId, CancellationToken ct)
    {
        var group = await owners.GroupAsync(OrganizationId, groupId, ct);
        if (group.Refusal is { } refusal)
        {
            return Refused(refusal);
        }

        Group = group.Value!;
        var answer = await Hours.SetGroupAsync(OrganizationId, groupId, PostedOwnerHours(), ct);
        return await SavedAsync(answer, () => Hours.OfGroupAsync(OrganizationId, groupId, ct), ct);
    }
}
