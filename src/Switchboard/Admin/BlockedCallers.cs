using Microsoft.EntityFrameworkCore;
using Switchboard.Authorization;
using Switchboard.Calls;
using Switchboard.Kernel;
using Switchboard.Phones;
using Switchboard.Storage;

namespace Switchboard.Admin;

public sealed record BlockedCallerAnswer(string Number, DateTime BlockedAt, long? FromCallId);

/// <summary>
/// The organization's blocked callers: their calls are rejected before anything rings (docs/routing.md, B5). Admins
/// see and change the list; an agent may block the caller of a call they were offered, without seeing the number.
/// </summary>
public sealed class BlockedCallers(SwitchboardDb db, PhoneNormalizer phones, TimeProvider clock)
{
    public async Task<BlockedCallerAnswer[]> ListAsync(long orgId, CancellationToken ct) =>
        await db.BlockedCallers.AsNoTracking()
            .Where(b => b.OrganizationId == orgId)
            .OrderByDescending(b => b.BlockedAt).ThenBy(b => b.Number)
            .Select(b => new BlockedCallerAnswer(b.Number, b.BlockedAt, b.FromCallId))
            .ToArrayAsync(ct);

    /// <summary>Blocks the number; blocking it again changes nothing.</summary>
    public async Task<Answer<BlockedCallerAnswer>> BlockAsync(long orgId, string? number, CancellationToken ct)
    {
        if (!phones.TryNormalize(number, out var caller))
        {
            return Refusal.OnField("number", $"{number} is not a valid phone number");
        }

        return await AddAsync(orgId, caller, fromCallId: null, ct);
    }

    public async Task<Refusal?> UnblockAsync(long orgId, string? number, CancellationToken ct)
    {
        if (!phones.TryNormalize(number, out var caller))
        {
            return Refusal.OnField("number", $"{number} is not a valid phone number");
        }

        if (await db.BlockedCallers.FirstOrDefaultAsync(
            b => b.OrganizationId == orgId && b.Number == caller,
            ct) is not { } blocked)
        {
            return new Refusal.Missing("blocked caller");
        }

        db.BlockedCallers.Remove(blocked);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// Blocks the caller of an inbound call. An agent may do so only for a call that was offered to them; the answer
    /// never carries the number. A call whose caller withheld the number has nobody to block.
    /// </summary>
    public async Task<Refusal?> BlockCallerOfAsync(long orgId, long callId, Caller who, CancellationToken ct)
    {
        var call = await db.Calls.AsNoTracking()
            .Where(c => c.Id == callId && c.OrganizationId == orgId && c.Direction == Calls.CallDirection.Inbound)
            .Select(c => new { c.Contact, c.AgentId, c.TeamAgentId })
            .FirstOrDefaultAsync(ct);
        if (call is null || (!who.IsAdmin && call.AgentId != who.AgentId && call.TeamAgentId != who.AgentId))
        {
            // An agent learns nothing about calls that were not theirs, not even that they exist.
            return new Refusal.Missing("call");
        }

        if (call.Contact is null)
        {
            return new Refusal.Unavailable(
                "Nobody to block",
                "The caller withheld their number, so it cannot be blocked.");
        }

        var added = await AddAsync(orgId, call.Contact, callId, ct);
        return added.Refusal;
    }

    private async Task<Answer<BlockedCallerAnswer>> AddAsync(
        long orgId,
        string caller,
        long? fromCallId,
        CancellationToken ct)
    {
        if (await db.BlockedCallers.AsNoTracking()
            .FirstOrDefaultAsync(b => b.OrganizationId == orgId && b.Number == caller, ct) is { } existing)
        {
            return new BlockedCallerAnswer(existing.Number, existing.BlockedAt, existing.FromCallId);
        }

        var blocked = new BlockedCaller
        {
            OrganizationId = orgId,
            Number = caller,
            BlockedAt = clock.GetUtcNow().UtcDateTime,
            FromCallId = fromCallId,
        };
        db.BlockedCallers.Add(blocked);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Blocked at the same moment by another request: blocked, as asked; anything else is a failure.
            db.ChangeTracker.Clear();
            blocked = await db.BlockedCallers.AsNoTracking()
                .FirstOrDefaultAsync(b => b.OrganizationId == orgId && b.Number == caller, ct)
                ?? throw new InvalidOperationException("The blocked caller could not be stored");
        }

        return new BlockedCallerAnswer(blocked.Number, blocked.BlockedAt, blocked.FromCallId);
    }
}
