using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel;

/// <summary>
/// The settings page of a group or an inbox (a number's owner): besides how it answers inbound calls, renaming it and
/// deleting it after a confirmation that says what happens to its numbers.
/// </summary>
public abstract class OwnerSettingsPage : InboundCallsPage
{
    [BindProperty]
    public string? Name { get; set; }

    /// <summary>The box that confirms a deletion, having read what happens to the numbers.</summary>
    [BindProperty]
    public bool Confirm { get; set; }

    public int NumberCount { get; protected set; }

    public string NumbersMessage => NumberCount switch
    {
        0 => "it has no numbers.",
        1 => "its number becomes unassigned and takes no calls until you give it a group or an inbox.",
        _ => $"its {NumberCount} numbers become unassigned and take no calls until you give them a group or an inbox.",
    };

    /// <summary>"Group" or "Inbox", as the notices say it.</summary>
    protected abstract string Kind { get; }

    /// <summary>The list page a deletion returns to.</summary>
    protected abstract string ListPage { get; }

    protected abstract Task<Refusal?> LoadAsync(long ownerId, CancellationToken ct);

    protected abstract Task ShowOwnAsync(long ownerId, CancellationToken ct);

    protected abstract Task<Answer<OwnerAnswer>> RenameOwnerAsync(
        long ownerId,
        OwnerName request,
        CancellationToken ct);

    protected abstract Task<Answer<OwnerDeleted>> DeleteOwnerAsync(long ownerId, CancellationToken ct);

    protected async Task<IActionResult> RenameAsync(long ownerId, CancellationToken ct)
    {
        if (await LoadAsync(ownerId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        var renamed = await RenameOwnerAsync(ownerId, new OwnerName(Name), ct);
        if (!renamed.Done)
        {
            await ShowOwnAsync(ownerId, ct);
            return Refused(renamed.Refusal);
        }

        return Done($"Renamed to “{renamed.Value!.Name}”.");
    }

    protected async Task<IActionResult> DeleteAsync(long ownerId, CancellationToken ct)
    {
        if (await LoadAsync(ownerId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        if (!Confirm)
        {
            await ShowOwnAsync(ownerId, ct);
            ModelState.AddModelError(nameof(Confirm), "Tick the box to confirm the deletion.");
            return Page();
        }

        var deleted = await DeleteOwnerAsync(ownerId, ct);
        if (!deleted.Done)
        {
            return Refused(deleted.Refusal);
        }

        var gone = deleted.Value!;
        Notice = $"{Kind} “{gone.Name}” deleted." + (gone.NumbersUnassigned switch
        {
            0 => "",
            1 => " Its number is now unassigned.",
            var n => $" Its {n} numbers are now unassigned.",
        });
        return RedirectToPage(ListPage);
    }
}
