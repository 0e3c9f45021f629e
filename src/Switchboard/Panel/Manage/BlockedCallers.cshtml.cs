using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;

namespace Switchboard.Panel.Manage;

/// <summary>The organization's blocked callers (docs/routing.md B5): block a number, unblock one.</summary>
public sealed class BlockedCallersModel(BlockedCallers blocked) : PanelPage
{
    [BindProperty]
    public string? Number { get; set; }

    public IReadOnlyList<BlockedCallerAnswer> Blocked { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Blocked = await blocked.ListAsync(OrganizationId, ct);

    public async Task<IActionResult> OnPostBlockAsync(CancellationToken ct)
    {
        var added = await blocked.BlockAsync(OrganizationId, Number, ct);
        if (added.Done)
        {
            return Done($"{added.Value!.Number} is blocked. Their calls are rejected before anything rings.");
        }

        Blocked = await blocked.ListAsync(OrganizationId, ct);
        return Refused(added.Refusal);
    }

    public async Task<IActionResult> OnPostUnblockAsync(CancellationToken ct) =>
        await blocked.UnblockAsync(OrganizationId, Number, ct) is { } refusal
            ? Refused(refusal)
            : Done($"{Number} is no longer blocked.");
}
