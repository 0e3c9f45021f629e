using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Authorization;
using Switchboard.Phones;
using Switchboard.Storage;

namespace Switchboard.Api;

public sealed record NumberRequest(string? Number, long? GroupId, long? InboxId);

public sealed record OwnerRequest(long? GroupId, long? InboxId);

public sealed record NumberAnswer(string Number, long? GroupId, long? InboxId);

public static class NumbersApi
{
    public static void MapNumbers(this RouteGroupBuilder organization)
    {
        organization.MapPost("/numbers", Create).Allow(CallerRole.Admin);
        organization.MapGet("/numbers", List).Allow(CallerRole.Admin);
        organization.MapPatch("/numbers/{number}", Assign).Allow(CallerRole.Admin);
        organization.MapDelete("/numbers/{number}", Delete).Allow(CallerRole.Admin);
    }

    private static async Task<Results<Created<NumberAnswer>, ValidationProblem, ProblemHttpResult>> Create(
        long orgId, NumberRequest body, SwitchboardDb db, PhoneNormalizer phones, CancellationToken ct)
    {
        if (!phones.TryNormalize(body.Number, out var number))
        {
            return Problems.Invalid("number", $"{body.Number} is not a valid phone number");
        }

        if (await OwnerProblemAsync(orgId, body.GroupId, body.InboxId, db, ct) is { } problem)
        {
            return problem;
        }

        if (await db.Numbers.AnyAsync(n => n.Number == number, ct))
        {
            return Problems.Conflict("Number already registered", $"{number} is already a platform number.");
        }

        if (await IsForwardTargetOrAgentPhoneAsync(number, db, ct))
        {
            return Problems.Invalid("number", $"{number} is used as a forward target or an agent's phone; as a platform number it would loop calls");
        }

        var entry = new PlatformNumber { Number = number, OrganizationId = orgId, GroupId = body.GroupId, InboxId = body.InboxId };
        db.Numbers.Add(entry);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/organizations/{orgId}/numbers/{Uri.EscapeDataString(number)}", Answer(entry));
    }

    private static async Task<Ok<NumberAnswer[]>> List(long orgId, SwitchboardDb db, CancellationToken ct) =>
        TypedResults.Ok(await db.Numbers.AsNoTracking().Where(n => n.OrganizationId == orgId).OrderBy(n => n.Number)
            .Select(n => new NumberAnswer(n.Number, n.GroupId, n.InboxId)).ToArrayAsync(ct));

    /// <summary>Sets the number's owner: a group, an inbox, or (neither given) unassigned.</summary>
    private static async Task<Results<Ok<NumberAnswer>, ValidationProblem, ProblemHttpResult>> Assign(
        long orgId, string number, OwnerRequest body, SwitchboardDb db, PhoneNormalizer phones, CancellationToken ct)
    {
        var entry = await FindAsync(orgId, number, db, phones, ct);
        if (entry is null)
        {
            return Problems.NotFound("number");
        }

        if (await OwnerProblemAsync(orgId, body.GroupId, body.InboxId, db, ct) is { } problem)
        {
            return problem;
        }

        entry.GroupId = body.GroupId;
        entry.InboxId = body.InboxId;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(Answer(entry));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(long orgId, string number, SwitchboardDb db, PhoneNormalizer phones, CancellationToken ct)
    {
        var entry = await FindAsync(orgId, number, db, phones, ct);
        if (entry is null)
        {
            return Problems.NotFound("number");
        }

        db.Numbers.Remove(entry);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<PlatformNumber?> FindAsync(long orgId, string number, SwitchboardDb db, PhoneNormalizer phones, CancellationToken ct) =>
        phones.TryNormalize(number, out var e164)
            ? await db.Numbers.FirstOrDefaultAsync(n => n.Number == e164 && n.OrganizationId == orgId, ct)
            : null;

    private static async Task<ValidationProblem?> OwnerProblemAsync(long orgId, long? groupId, long? inboxId, SwitchboardDb db, CancellationToken ct)
    {
        if (groupId is not null && inboxId is not null)
        {
            return Problems.Invalid("inboxId", "a number belongs to a group or an inbox, not both");
        }

        if (groupId is { } g && !await db.Groups.AnyAsync(x => x.Id == g && x.OrganizationId == orgId, ct))
        {
            return Problems.Invalid("groupId", $"group {g} does not exist in this organization");
        }

        if (inboxId is { } i && !await db.Inboxes.AnyAsync(x => x.Id == i && x.OrganizationId == orgId, ct))
        {
            return Problems.Invalid("inboxId", $"inbox {i} does not exist in this organization");
        }

        return null;
    }

    private static async Task<bool> IsForwardTargetOrAgentPhoneAsync(string number, SwitchboardDb db, CancellationToken ct) =>
        await db.Organizations.AnyAsync(o => o.InboundForwardTo == number, ct) ||
        await db.Groups.AnyAsync(g => g.InboundForwardTo == number, ct) ||
        await db.Inboxes.AnyAsync(i => i.InboundForwardTo == number, ct) ||
        await db.Agents.AnyAsync(a => a.Phone == number && a.DeletedAt == null, ct);

    private static NumberAnswer Answer(PlatformNumber n) => new(n.Number, n.GroupId, n.InboxId);
}
