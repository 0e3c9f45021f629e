using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;
using Switchboard.Phones;

namespace Switchboard.Panel.Manage;

public sealed record InboxRow(OwnerAnswer Inbox, string Setting);

public sealed class InboxesModel(GroupsAndInboxes groupsAndInboxes, InboundCallSettings settings, PhoneDisplay phones)
    : PanelPage
{
    [BindProperty]
    public string? Name { get; set; }

    public IReadOnlyList<InboxRow> Inboxes { get; private set; } = [];

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var added = await groupsAndInboxes.CreateInboxAsync(OrganizationId, new OwnerName(Name), ct);
        if (added.Done)
        {
            return Done($"Inbox \"{added.Value!.Name}\" added. It rejects calls until you change that.");
        }

        await LoadAsync(ct);
        return Refused(added.Refusal);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var rows = new List<InboxRow>();
        foreach (var inbox in await groupsAndInboxes.InboxesAsync(OrganizationId, ct))
        {
            var setting = (await settings.OfInboxAsync(OrganizationId, inbox.Id, ct)).Value!;
            rows.Add(new InboxRow(inbox, EditInboxModel.DescribeInbox(setting, phones)));
        }

        Inboxes = rows;
    }
}
