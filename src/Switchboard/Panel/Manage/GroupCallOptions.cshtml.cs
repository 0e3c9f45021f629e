using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;
using Switchboard.Phones;

namespace Switchboard.Panel.Manage;

public sealed class GroupCallOptionsModel(
    GroupsAndInboxes groupsAndInboxes,
    CallOptionSettings options,
    AgentDirectory agents,
    PhoneDisplay phones) : CallOptionsPage
{
    public override CallOptionsOwner Owner => CallOptionsOwner.Group;

    public OwnerAnswer Group { get; private set; } = null!;

    public IReadOnlyList<MemberAnswer> Members { get; private set; } = [];

    /// <summary>Agents who can still be added: active or not, but not deleted, and not members yet.</summary>
    public IReadOnlyList<AgentAnswer> Candidates { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(long groupId, CancellationToken ct)
    {
        if (await LoadAsync(groupId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        var current = (await options.OfGroupAsync(OrganizationId, groupId, ct)).Value!;
        ShowFallback(current.Fallback);
        ShowMessage(current.UnavailableMessage);
        RejectWithMessage = current.RejectWithMessage;
        MembersOnly = current.MembersOnly;
        ShowRingTeam(current.RingTeam);
        Language = current.Language;
        ShowVoicemail(current.Voicemail, follows: true);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long groupId, CancellationToken ct)
    {
        if (await LoadAsync(groupId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        var voicemail = Voicemail();
        return voicemail.Done
            ? Saved(await options.SetGroupAsync(
                OrganizationId,
                groupId,
                new GroupCallOptions(
                    Fallback,
                    Message,
                    RejectWithMessage,
                    MembersOnly,
                    voicemail.Value,
                    RingTeam,
                    ChosenLanguage),
                ct))
            : Refused(voicemail.Refusal);
    }

    public async Task<IActionResult> OnPostAddAsync(long groupId, long agentId, CancellationToken ct) =>
        await options.AddMemberAsync(OrganizationId, groupId, agentId, ct) is { } refusal
            ? Refused(refusal)
            : Done("Added to the group.");

    public async Task<IActionResult> OnPostRemoveAsync(long groupId, long agentId, CancellationToken ct) =>
        await options.RemoveMemberAsync(OrganizationId, groupId, agentId, ct) is { } refusal
            ? Refused(refusal)
            : Done("Removed from the group.");

    private async Task<Refusal?> LoadAsync(long groupId, CancellationToken ct)
    {
        var group = await groupsAndInboxes.GroupAsync(OrganizationId, groupId, ct);
        if (group.Refusal is { } refusal)
        {
            return refusal;
        }

        Group = group.Value!;
        var organization = await options.OfOrganizationAsync(OrganizationId, ct);
        OrganizationFallback = Describe(organization.Fallback, phones);
        OrganizationMessage = Describe(organization.UnavailableMessage);
        OrganizationVoicemail = Describe(organization.Voicemail);
        Members = (await options.MembersAsync(OrganizationId, groupId, ct)).Value!;
        var memberIds = Members.Select(m => m.AgentId).ToHashSet();
        Candidates = (await agents.ListAsync(OrganizationId, Caller, ct)).Where(a => !memberIds.Contains(a.Id))
            .ToList();
        return null;
    }
}
