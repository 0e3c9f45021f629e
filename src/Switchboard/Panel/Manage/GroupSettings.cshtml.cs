using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;
using Switchboard.Phones;

namespace Switchboard.Panel.Manage;

public sealed class GroupSettingsModel(
    GroupsAndInboxes groupsAndInboxes,
    InboundCallSettings settings,
    PhoneDisplay phones) : OwnerSettingsPage
{
    public OwnerAnswer Group { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long groupId, CancellationToken ct)
    {
        if (await LoadAsync(groupId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        await ShowOwnAsync(groupId, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long groupId, CancellationToken ct) =>
        await LoadAsync(groupId, ct) is { } refusal
            ? Refused(refusal)
            : Saved(await settings.SetGroupAsync(OrganizationId, groupId, Setting, ct));

    public Task<IActionResult> OnPostRenameAsync(long groupId, CancellationToken ct) => RenameAsync(groupId, ct);

    public Task<IActionResult> OnPostDeleteAsync(long groupId, CancellationToken ct) => DeleteAsync(groupId, ct);

    protected override string Kind => "Group";

    protected override string ListPage => "Groups";

    protected override Task<Answer<OwnerAnswer>> RenameOwnerAsync(
        long ownerId,
        OwnerName request,
        CancellationToken ct) =>
        groupsAndInboxes.RenameGroupAsync(OrganizationId, ownerId, request, ct);

    protected override Task<Answer<OwnerDeleted>> DeleteOwnerAsync(long ownerId, CancellationToken ct) =>
        groupsAndInboxes.DeleteGroupAsync(OrganizationId, ownerId, ct);

    protected override async Task ShowOwnAsync(long groupId, CancellationToken ct)
    {
        var own = (await settings.OfGroupAsync(OrganizationId, groupId, ct)).Value!;
        Show(new InboundCallsAnswer(own.Mode, own.ForwardTo));
    }

    protected override async Task<Refusal?> LoadAsync(long groupId, CancellationToken ct)
    {
        var group = await groupsAndInboxes.GroupAsync(OrganizationId, groupId, ct);
        Group = group.Value!;
        NumberCount = group.Done ? await groupsAndInboxes.NumbersOfAsync(OrganizationId, groupId, inbox: false, ct) : 0;
        var organization = await settings.OfOrganizationAsync(OrganizationId, ct);
        Options =
        [
            new("followOrganization", "Follow organization setting",
                $"The default. The organization's setting is now: {Describe(organization, phones)}."),
            new("lastAgent", LastAgent),
            new("forward", "Connect them to this phone number"),
        ];
        return group.Refusal;
    }
}
