using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Events;
using Switchboard.Kernel;
using Switchboard.Audit;
using Switchboard.Calls;
using Switchboard.Phones;
using Switchboard.Storage;

namespace Switchboard.Privacy;

/// <summary>What forgetting a contact removed (or, for a preview, would remove) in one organization.</summary>
public sealed record ContactForgotten(
    int MessageEvents,
    int LastTexts,
    int CallRecords,
    int Recordings,
    int UndeliveredEvents);

/// <summary>
/// "Forget me" for one contact of one organization: their texts and last-text entries are deleted, call records keep
/// their counts and outcome but lose the number, recordings of their calls are deleted, and events not yet delivered
/// that name them are dropped (delivered ones are deleted too, as they hold the number). Another organization's data
/// is not looked at. The audit log keeps the erasure with the number masked.
/// </summary>
public sealed class ContactErasure(
    SwitchboardDb db,
    PhoneNormalizer phones,
    WriteGate gate,
    AuditTrail trail,
    TimeProvider clock,
    IRecordingEraser recordings)
{
    public const string EntityType = "contact";

    public async Task<Answer<ContactForgotten>> PreviewAsync(long orgId, string? number, CancellationToken ct)
    {
        if (!phones.TryNormalize(number, out var contact))
        {
            return NumberProblem(number);
        }

        var calls = CallsOf(orgId, contact);
        return new ContactForgotten(
            await Texts(orgId, contact).CountAsync(ct),
            await LastTexts(orgId, contact).CountAsync(ct),
            await calls.CountAsync(ct),
            await recordings.CountAsync(orgId, calls.Select(c => c.Id), ct),
            await db.CallEvents.CountAsync(
                e => e.DeliveredAt == null && e.GaveUpAt == null && calls.Any(c => c.Id == e.CallId),
                ct));
    }

    public async Task<Answer<ContactForgotten>> ForgetAsync(long orgId, string? number, CancellationToken ct)
    {
        if (!phones.TryNormalize(number, out var contact))
        {
            return NumberProblem(number);
        }

        // Recordings first: they live at the provider too, and a failure there must leave the number findable for a
        // retry.
        var callIds = await CallsOf(orgId, contact).Select(c => c.Id).ToListAsync(ct);
        int recordingsDeleted;
        try
        {
            recordingsDeleted = await recordings.EraseAsync(orgId, callIds, ct);
        }
        catch (InvalidOperationException)
        {
            return new Refusal.Upstream(502, "The provider did not delete a recording",
                "Nothing was forgotten yet: the contact's recordings must go first. Try again in a moment.");
        }


        var actor = await trail.ActorAsync(db, ct);
        await using var writer = await gate.EnterAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var undelivered = await db.CallEvents.Where(e => e.DeliveredAt == null
            && e.GaveUpAt == null
            && callIds.Contains(e.CallId)).ExecuteDeleteAsync(ct);
        await db.CallEvents.Where(e => callIds.Contains(e.CallId)).ExecuteDeleteAsync(ct);
        // The texts first: they are found through the contact's rows, which go after them.
        var texts = await Texts(orgId, contact).ExecuteDeleteAsync(ct);
        var lastTexts = await LastTexts(orgId, contact).ExecuteDeleteAsync(ct);
        await db.ContactTexts.Where(t => t.OrganizationId == orgId && t.Contact == contact).ExecuteDeleteAsync(ct);
        var forgotten = new ContactForgotten(
            texts,
            lastTexts,
            await CallsOf(orgId, contact).ExecuteUpdateAsync(c => c.SetProperty(x => x.Contact, (string?)null), ct),
            recordingsDeleted,
            undelivered);
        db.AuditEntries.Add(AuditEntryFor(orgId, contact, forgotten, actor));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return forgotten;
    }

    /// <summary>The contact's texts, found by the ids kept in their ContactTexts rows.</summary>
    private IQueryable<MessageEvent> Texts(long orgId, string contact)
    {
        var ids = ContactRows(orgId, contact, ContactTextKind.Text).Select(t => t.OwnerId);
        return db.MessageEvents.Where(m => m.OrganizationId == orgId && ids.Contains(m.Id));
    }

    /// <summary>The routing memory counted as "last texts": the latest text per group.</summary>
    private IQueryable<ContactText> LastTexts(long orgId, string contact) =>
        ContactRows(orgId, contact, ContactTextKind.Group);

    private IQueryable<ContactText> ContactRows(long orgId, string contact, ContactTextKind kind) =>
        db.ContactTexts.Where(t => t.OrganizationId == orgId && t.Contact == contact && t.Kind == kind);

    private IQueryable<CallRecord> CallsOf(long orgId, string contact) =>
        db.Calls.Where(c => c.OrganizationId == orgId && c.Contact == contact);

    private AuditEntry AuditEntryFor(long orgId, string contact, ContactForgotten forgotten, AuditActor actor) => new()
    {
        OrganizationId = orgId,
        At = clock.GetUtcNow().UtcDateTime,
        ActorKind = actor.Kind,
        ActorId = actor.Id,
        ActorName = actor.Name,
        ActorRole = actor.Role,
        Action = AuditAction.Deleted,
        EntityType = EntityType,
        EntityId = PhoneMask.Mask(contact),
        Changes = JsonSerializer.Serialize(
            new AuditChange[]
            {
                new("messageEvents", Count(forgotten.MessageEvents), null),
                new("lastTexts", Count(forgotten.LastTexts), null),
                new("callRecordsWithoutNumber", null, Count(forgotten.CallRecords)),
                new("recordings", Count(forgotten.Recordings), null),
                new("undeliveredEvents", Count(forgotten.UndeliveredEvents), null),
            },
            JsonSerializerOptions.Web),
    };

    private static string Count(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Refusal NumberProblem(string? number) =>
        Refusal.OnField("number", string.IsNullOrWhiteSpace(number) ? "is required" : "is not a valid phone number");
}
