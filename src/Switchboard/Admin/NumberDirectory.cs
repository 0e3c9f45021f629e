using Microsoft.EntityFrameworkCore;
using Switchboard.Accounts;
using Switchboard.Kernel;
using Switchboard.Phones;
using Switchboard.Storage;
using Switchboard.Twilio;

namespace Switchboard.Admin;

public sealed record NumberRequest(string? Number, long? GroupId, long? InboxId);

public sealed record OwnerRequest(long? GroupId, long? InboxId);

/// <summary>
/// A platform number, its owner, and whether its configuration at the provider sends its calls here
/// (<c>connected</c>, <c>elsewhere</c> or <c>unknown</c>, with the reason), as last checked.
/// </summary>
public sealed record NumberAnswer(
    string Number, long? GroupId, long? InboxId, string Connection = "unknown", DateTime? ConnectionCheckedAt = null,
    string? ConnectionReason = null);

/// <summary>The organization's platform numbers and what each belongs to: a group, an inbox, or nothing.</summary>
public sealed class NumberDirectory(SwitchboardDb db, PhoneNormalizer phones, NumberConnections connections)
{
    public async Task<NumberAnswer[]> ListAsync(long orgId, CancellationToken ct)
    {
        var rows = await (
            from n in db.Numbers.AsNoTracking()
            where n.OrganizationId == orgId
            join c in db.NumberConnections.AsNoTracking() on n.Number equals c.Number into checks
            from c in checks.DefaultIfEmpty()
            orderby n.Number
            select new { Number = n, Connection = c }).ToListAsync(ct);
        return [.. rows.Select(r => Answer(r.Number, r.Connection))];
    }

    /// <summary>
    /// <c>POST …/numbers/{number}/check</c> and <c>…/connect</c>: the number as the provider has it now.
    /// </summary>
    public async Task<Answer<NumberAnswer>> CheckAsync(long orgId, string number, bool connect, CancellationToken ct)
    {
        var checkedNow = await connections.RunAsync(orgId, number, connect, ct);
        if (!checkedNow.Done)
        {
            return checkedNow.Refusal;
        }

        var entry = await db.Numbers.AsNoTracking().FirstAsync(n => n.Number == checkedNow.Value!.Number, ct);
        return Answer(entry, checkedNow.Value);
    }

    public async Task<Answer<NumberAnswer>> AddAsync(long orgId, NumberRequest request, CancellationToken ct)
    {
        if (!phones.TryNormalize(request.Number, out var number))
        {
            return Refusal.OnField(
                "number",
                string.IsNullOrWhiteSpace(request.Number)
                    ? "is required"
                    : $"{request.Number} is not a valid phone number");
        }

        if (await OwnerProblemAsync(orgId, request.GroupId, request.InboxId, ct) is { } problem)
        {
            return problem;
        }

        if (await db.Numbers.AnyAsync(n => n.Number == number, ct))
        {
            return new Refusal.Taken("number", "Number already registered", $"{number} is already a platform number.");
        }

        if (await IsForwardTargetOrAgentPhoneAsync(orgId, number, ct))
        {
            return Refusal.OnField(
                "number",
                $"{number} is used as a forward target or an agent's phone; as a platform number it would loop calls");
        }

        var entry = new PlatformNumber
        {
            Number = number,
            OrganizationId = orgId,
            GroupId = request.GroupId,
            InboxId = request.InboxId,
        };
        db.Numbers.Add(entry);
        await db.SaveChangesAsync(ct);
        // Stored first: the provider refusing or not answering leaves the number added, and "unknown".
        var connected = await connections.RunAsync(orgId, number, connect: true, ct);
        return Answer(entry, connected.Value);
    }

    /// <summary>Sets the number's owner: a group, an inbox, or (neither given) unassigned.</summary>
    public async Task<Answer<NumberAnswer>> AssignAsync(
        long orgId,
        string number,
        OwnerRequest owner,
        CancellationToken ct)
    {
        if (await FindAsync(orgId, number, ct) is not { } entry)
        {
            return new Refusal.Missing("number");
        }

        if (await OwnerProblemAsync(orgId, owner.GroupId, owner.InboxId, ct) is { } problem)
        {
            return problem;
        }

        entry.GroupId = owner.GroupId;
        entry.InboxId = owner.InboxId;
        await db.SaveChangesAsync(ct);
        return Answer(entry);
    }

    public async Task<Refusal?> RemoveAsync(long orgId, string number, CancellationToken ct)
    {
        if (await FindAsync(orgId, number, ct) is not { } entry)
        {
            return new Refusal.Missing("number");
        }

        db.Numbers.Remove(entry);
        await db.SaveChangesAsync(ct);
        return null;
    }

    private async Task<PlatformNumber?> FindAsync(long orgId, string number, CancellationToken ct) =>
        phones.TryNormalize(number, out var e164)
            ? await db.Numbers.FirstOrDefaultAsync(n => n.Number == e164 && n.OrganizationId == orgId, ct)
            : null;

    private async Task<Refusal?> OwnerProblemAsync(long orgId, long? groupId, long? inboxId, CancellationToken ct)
    {
        if (groupId is not null && inboxId is not null)
        {
            return Refusal.OnField("inboxId", "a number belongs to a group or an inbox, not both");
        }

        if (groupId is { } g && !await db.Groups.AnyAsync(x => x.Id == g && x.OrganizationId == orgId, ct))
        {
            return Refusal.OnField("groupId", $"group {g} does not exist in this organization");
        }

        if (inboxId is { } i && !await db.Inboxes.AnyAsync(x => x.Id == i && x.OrganizationId == orgId, ct))
        {
            return Refusal.OnField("inboxId", $"inbox {i} does not exist in this organization");
        }

        return null;
    }

    /// <summary>
    /// Loops are checked within the organization only: looking at other organizations' agents and forward targets
    /// would tell this one whether a phone number belongs to someone of another organization.
    /// </summary>
    private async Task<bool> IsForwardTargetOrAgentPhoneAsync(long orgId, string number, CancellationToken ct) =>
        await db.Organizations.AnyAsync(
            o => o.Id == orgId && (o.InboundForwardTo == number || o.FallbackForwardTo == number),
            ct)
            ||
            await db.Groups.AnyAsync(
                g => g.OrganizationId == orgId && (g.InboundForwardTo == number || g.FallbackForwardTo == number),
                ct)
            ||
        await db.Inboxes.AnyAsync(i => i.OrganizationId == orgId && i.InboundForwardTo == number, ct) ||
        await db.Agents.AnyAsync(a => a.OrganizationId == orgId && a.Phone == number && a.DeletedAt == null, ct);

    private static NumberAnswer Answer(PlatformNumber n, NumberConnection? c = null) => new(
        n.Number,
        n.GroupId,
        n.InboxId,
        EnumNames.Name(c?.State ?? NumberConnectionState.Unknown),
        c?.CheckedAt,
        c?.State == NumberConnectionState.Unknown ? c.Reason : null);
}
