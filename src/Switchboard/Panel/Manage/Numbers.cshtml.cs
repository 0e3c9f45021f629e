using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;
using Switchboard.Phones;

namespace Switchboard.Panel.Manage;

public sealed class NumbersModel(NumberDirectory numbers, GroupsAndInboxes groupsAndInboxes, PhoneDisplay phones)
    : PanelPage
{
    [BindProperty]
    public string? Number { get; set; }

    /// <summary>"group:7", "inbox:3", or empty for unassigned.</summary>
    [BindProperty]
    public string? Owner { get; set; }

    /// <summary>The number to delete (its own field, so that the "Add a number" field stays empty).</summary>
    [BindProperty]
    public string? Remove { get; set; }

    /// <summary>
    /// The box that confirms deleting <see cref="Remove"/>, having read that its calls are rejected from then on.
    /// </summary>
    [BindProperty]
    public bool Confirm { get; set; }

    public IReadOnlyList<NumberAnswer> Numbers { get; private set; } = [];

    public OwnerLists GroupsAndInboxes { get; private set; } = null!;

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        var owner = OwnerChoice.Parse(Owner);
        var added = await numbers.AddAsync(OrganizationId, new NumberRequest(Number, owner.GroupId, owner.InboxId), ct);
        return await ShowAsync(added, $"{added.Value?.Number} added.", ct);
    }

    public async Task<IActionResult> OnPostAssignAsync(CancellationToken ct)
    {
        var assigned = await numbers.AssignAsync(OrganizationId, Number ?? "", OwnerChoice.Parse(Owner), ct);
        return await ShowAsync(
            assigned,
            $"{assigned.Value?.Number} saved. The next call to it follows its new owner's setting.",
            ct);
    }

    /// <summary>
    /// Points the number's voice URL and status callback at Switchboard, at the organization's provider.
    /// </summary>
    public async Task<IActionResult> OnPostConnectAsync(CancellationToken ct)
    {
        var connected = await numbers.CheckAsync(OrganizationId, Number ?? "", connect: true, ct);
        var shown = connected.Value is { } n ? phones.Show(n.Number) : "";
        return await ShowAsync(connected, connected.Value?.Connection == "connected"
            ? $"{shown} is connected: its calls come to Switchboard."
            : $"{shown} could not be connected: {connected.Value?.ConnectionReason ?? "it still points elsewhere"}.",
            ct);
    }

    /// <summary>How the number's connection at the provider reads in its row.</summary>
    public static string ConnectionText(NumberAnswer number) => number.Connection switch
    {
        "connected" => "Connected: its calls come to Switchboard",
        "elsewhere" => "Points elsewhere at the provider: its calls do not come here",
        _ when number.ConnectionCheckedAt is null => "Not checked at the provider yet",
        _ => $"Unknown: {number.ConnectionReason ?? "no answer"}",
    } + (number.ConnectionCheckedAt is { } at ? $" (checked {at:yyyy-MM-dd HH:mm} UTC)" : "");

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken ct)
    {
        if (!Confirm)
        {
            await LoadAsync(ct);
            ModelState.AddModelError(nameof(Confirm), "Tick the box to confirm the deletion.");
            return Page();
        }

        if (await numbers.RemoveAsync(OrganizationId, Remove ?? "", ct) is { } refusal)
        {
            return Refused(refusal);
        }

        return Done($"{phones.Show(Remove!)} deleted: calls to it are rejected from now on.");
    }

    /// <summary>The confirmation's message, beside the row of the number whose deletion was refused.</summary>
    public string? ConfirmErrorFor(string number) => number == Remove ? ErrorFor(nameof(Confirm)) : null;

    private async Task<IActionResult> ShowAsync(Answer<NumberAnswer> answer, string notice, CancellationToken ct)
    {
        if (answer.Done)
        {
            return Done(notice);
        }

        await LoadAsync(ct);
        return Refused(answer.Refusal);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Numbers = await numbers.ListAsync(OrganizationId, ct);
        GroupsAndInboxes = new OwnerLists(
            await groupsAndInboxes.GroupsAsync(OrganizationId, ct),
            await groupsAndInboxes.InboxesAsync(OrganizationId, ct));
    }
}
