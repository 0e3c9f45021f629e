using Microsoft.EntityFrameworkCore;
using Switchboard.Kernel;
using Switchboard.Routing;
using Switchboard.Storage;

namespace Switchboard.Admin;

public sealed record InboundCallsRequest(string? Mode, string? ForwardTo);

public sealed record InboundCallsAnswer(string Mode, string? ForwardTo);

/// <summary>A group's own setting, and what calls to it actually do once "follow organization" is resolved.</summary>
public sealed record GroupInboundCallsAnswer(string Mode, string? ForwardTo, InboundCallsAnswer Effective);

/// <summary>
/// The inbound-calls setting of the organization, a group and an inbox: read, checked and changed the same way
/// for the admin API and the panel.
/// </summary>
public sealed class InboundCallSettings(SwitchboardDb db, CallOptionSettings options)
{
    public async Task<InboundCallsAnswer> OfOrganizationAsync(long orgId, CancellationToken ct)
    {
        var organization = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == orgId, ct);
        return Answer(organization);
    }

    public async Task<Answer<InboundCallsAnswer>> SetOrganizationAsync(
        long orgId,
        InboundCallsRequest? request,
        CancellationToken ct)
    {
        var organization = await db.Organizations.FirstAsync(o => o.Id == orgId, ct);
        return await SetAsync(organization, "organization", request, OrganizationMode.Forward, ct)
            ?? (Answer<InboundCallsAnswer>)Answer(organization);
    }

    public async Task<Answer<GroupInboundCallsAnswer>> OfGroupAsync(long orgId, long groupId, CancellationToken ct) =>
        await db.Groups.AsNoTracking()
            .FirstOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == orgId, ct) is { } group
            ? await AnswerAsync(group, ct)
            : new Refusal.Missing("group");

    public async Task<Answer<GroupInboundCallsAnswer>> SetGroupAsync(
        long orgId,
        long groupId,
        InboundCallsRequest? request,
        CancellationToken ct)
    {
        var group = await db.Groups.FirstOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == orgId, ct);
        return await SetAsync(group, "group", request, GroupMode.Forward, ct)
            ?? (Answer<GroupInboundCallsAnswer>)await AnswerAsync(group!, ct);
    }

    public async Task<Answer<InboundCallsAnswer>> OfInboxAsync(long orgId, long inboxId, CancellationToken ct) =>
        await db.Inboxes.AsNoTracking()
            .FirstOrDefaultAsync(i => i.Id == inboxId && i.OrganizationId == orgId, ct) is { } inbox
            ? Answer(inbox)
            : new Refusal.Missing("inbox");

    public async Task<Answer<InboundCallsAnswer>> SetInboxAsync(
        long orgId,
        long inboxId,
        InboundCallsRequest? request,
        CancellationToken ct)
    {
        var inbox = await db.Inboxes.FirstOrDefaultAsync(i => i.Id == inboxId && i.OrganizationId == orgId, ct);
        return await SetAsync(inbox, "inbox", request, InboxMode.Forward, ct)
            ?? (Answer<InboundCallsAnswer>)Answer(inbox!);
    }

    private static InboundCallsAnswer Answer<TMode>(IInboundCallsSetting<TMode> owner) where TMode : struct, Enum =>
        new(EnumNames.Name(owner.InboundMode), owner.InboundForwardTo);

    private async Task<GroupInboundCallsAnswer> AnswerAsync(Group group, CancellationToken ct)
    {
        var effective = group.InboundMode == GroupMode.FollowOrganization
            ? await OfOrganizationAsync(group.OrganizationId, ct)
            : Answer(group);
        return new GroupInboundCallsAnswer(EnumNames.Name(group.InboundMode), group.InboundForwardTo, effective);
    }

    /// <summary>
    /// Checks the setting, then stores it; the forward target is normalized and must not be a platform number (a call
    /// loop).
    /// </summary>
    private async Task<Refusal?> SetAsync<TMode>(
        IInboundCallsSetting<TMode>? owner,
        string what,
        InboundCallsRequest? request,
        TMode forwardMode,
        CancellationToken ct)
        where TMode : struct, Enum
    {
        if (owner is null)
        {
            return new Refusal.Missing(what);
        }

        if (request is null || !EnumNames.TryParse<TMode>(request.Mode, out var mode))
        {
            return Refusal.OnField("mode", EnumNames.Allowed<TMode>());
        }

        string? forwardTo = null;
        if (EqualityComparer<TMode>.Default.Equals(mode, forwardMode))
        {
            var (target, problem) = await options.ForwardTargetAsync(request.ForwardTo, "to forward calls", ct);
            if (problem is not null)
            {
                return Refusal.OnField("forwardTo", problem);
            }

            forwardTo = target;
        }

        owner.InboundMode = mode;
        owner.InboundForwardTo = forwardTo;
        await db.SaveChangesAsync(ct);
        return null;
    }
}
