using Microsoft.EntityFrameworkCore;
using Switchboard.Phones;
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
public sealed class InboundCallSettings(SwitchboardDb db, PhoneNormalizer phones)
{
    public async Task<InboundCallsAnswer> OfOrganizationAsync(long orgId, CancellationToken ct)
    {
        var organization = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == orgId, ct);
        return Answer(organization.InboundMode, organization.InboundForwardTo);
    }

    public async Task<Answer<InboundCallsAnswer>> SetOrganizationAsync(long orgId, InboundCallsRequest? request, CancellationToken ct)
    {
        var organization = await db.Organizations.FirstAsync(o => o.Id == orgId, ct);
        var refusal = await SetAsync(request, OrganizationMode.Forward, (mode, forwardTo) =>
        {
            organization.InboundMode = mode;
            organization.InboundForwardTo = forwardTo;
        }, ct);
        return refusal ?? (Answer<InboundCallsAnswer>)Answer(organization.InboundMode, organization.InboundForwardTo);
    }

    public async Task<Answer<GroupInboundCallsAnswer>> OfGroupAsync(long orgId, long groupId, CancellationToken ct) =>
        await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == orgId, ct) is { } group
            ? await AnswerAsync(group, ct)
            : new Refusal.Missing("group");

    public async Task<Answer<GroupInboundCallsAnswer>> SetGroupAsync(long orgId, long groupId, InboundCallsRequest? request, CancellationToken ct)
    {
        if (await db.Groups.FirstOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == orgId, ct) is not { } group)
        {
            return new Refusal.Missing("group");
        }

        var refusal = await SetAsync(request, GroupMode.Forward, (mode, forwardTo) =>
        {
            group.InboundMode = mode;
            group.InboundForwardTo = forwardTo;
        }, ct);
        return refusal ?? (Answer<GroupInboundCallsAnswer>)await AnswerAsync(group, ct);
    }

    public async Task<Answer<InboundCallsAnswer>> OfInboxAsync(long orgId, long inboxId, CancellationToken ct) =>
        await db.Inboxes.AsNoTracking().FirstOrDefaultAsync(i => i.Id == inboxId && i.OrganizationId == orgId, ct) is { } inbox
            ? Answer(inbox.InboundMode, inbox.InboundForwardTo)
            : new Refusal.Missing("inbox");

    public async Task<Answer<InboundCallsAnswer>> SetInboxAsync(long orgId, long inboxId, InboundCallsRequest? request, CancellationToken ct)
    {
        if (await db.Inboxes.FirstOrDefaultAsync(i => i.Id == inboxId && i.OrganizationId == orgId, ct) is not { } inbox)
        {
            return new Refusal.Missing("inbox");
        }

        var refusal = await SetAsync(request, InboxMode.Forward, (mode, forwardTo) =>
        {
            inbox.InboundMode = mode;
            inbox.InboundForwardTo = forwardTo;
        }, ct);
        return refusal ?? (Answer<InboundCallsAnswer>)Answer(inbox.InboundMode, inbox.InboundForwardTo);
    }

    private static InboundCallsAnswer Answer<TMode>(TMode mode, string? forwardTo) where TMode : struct, Enum => new(EnumNames.Name(mode), forwardTo);

    private async Task<GroupInboundCallsAnswer> AnswerAsync(Group group, CancellationToken ct)
    {
        var effective = group.InboundMode == GroupMode.FollowOrganization
            ? await OfOrganizationAsync(group.OrganizationId, ct)
            : Answer(group.InboundMode, group.InboundForwardTo);
        return new GroupInboundCallsAnswer(EnumNames.Name(group.InboundMode), group.InboundForwardTo, effective);
    }

    /// <summary>Checks the setting, then applies and stores it; the forward target is normalized and must not be a platform number (a call loop).</summary>
    private async Task<Refusal?> SetAsync<TMode>(InboundCallsRequest? request, TMode forwardMode, Action<TMode, string?> apply, CancellationToken ct)
        where TMode : struct, Enum
    {
        if (request is null || !EnumNames.TryParse<TMode>(request.Mode, out var mode))
        {
            return Refusal.OnField("mode", EnumNames.Allowed<TMode>());
        }

        string? forwardTo = null;
        if (EqualityComparer<TMode>.Default.Equals(mode, forwardMode))
        {
            if (string.IsNullOrWhiteSpace(request.ForwardTo))
            {
                return Refusal.OnField("forwardTo", "is required to forward calls");
            }

            if (!phones.TryNormalize(request.ForwardTo, out var target))
            {
                return Refusal.OnField("forwardTo", $"{request.ForwardTo} is not a valid phone number");
            }

            if (await db.Numbers.AnyAsync(n => n.Number == target, ct))
            {
                return Refusal.OnField("forwardTo", $"{target} is a platform number; forwarding to it would loop the call");
            }

            forwardTo = target;
        }

        apply(mode, forwardTo);
        await db.SaveChangesAsync(ct);
        return null;
    }
}
