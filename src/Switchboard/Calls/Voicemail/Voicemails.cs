using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Switchboard.Authorization;
using Switchboard.Calls;
using Switchboard.Events;
using Switchboard.Storage;

namespace Switchboard.Calls.Voicemail;

/// <summary>
/// What a caller is offered after the unavailable message: at most this long a message, transcribed or not.
/// </summary>
public sealed record VoicemailOffer(int MaxSeconds, bool Transcribe);

/// <summary>The audio of a voicemail for whoever may hear it, or why not.</summary>
public abstract record VoicemailAudio
{
    public sealed record Found(byte[] Bytes, string ContentType) : VoicemailAudio;

    /// <summary>No such call, no voicemail on it, or not the viewer's to hear.</summary>
    public sealed record Missing : VoicemailAudio;

    /// <summary>The recording was deleted (retention ended, or at the provider).</summary>
    public sealed record Gone : VoicemailAudio;

    /// <summary>The provider could not give it now (502, 503 or 504).</summary>
    public sealed record Unavailable(int Status) : VoicemailAudio;
}

/// <summary>
/// The life of a voicemail (docs/voicemail.md): whether a call offers one, what the provider reports of the recording
/// and its transcript, the <c>call.voicemail</c> event (once, when the transcript came or was waited for long enough),
/// the audio for those who may hear it, and deletion when the organization's retention ends.
/// </summary>
public sealed class Voicemails(
    SwitchboardDb db,
    IRecordings recordings,
    VoicemailLinks links,
    VoicemailAudioCache cache,
    IOptions<SwitchboardOptions> options,
    TimeProvider clock,
    ILogger<Voicemails> log)
{
    private const int MaxAttempts = 16;
    private const int SweepBatch = 100;

    private VoicemailOptions Settings => options.Value.Voicemail;

    /// <summary>
    /// The call's voicemail options: the group's or inbox's own, else the organization's; null when it is off.
    /// </summary>
    public async Task<VoicemailOffer?> OfferAsync(long callId, CancellationToken ct) =>
        await SettingsAsync(callId, ct) is { Enabled: true } settings ? settings.Offer : null;

    /// <summary>
    /// Outside hours with the after-hours mode voicemail, a message is always taken (docs/hours.md): the length and
    /// transcription are the call's voicemail settings, even when voicemail is off for calls nobody takes.
    /// </summary>
    public async Task<VoicemailOffer> AfterHoursOfferAsync(long callId, CancellationToken ct) =>
        (await SettingsAsync(callId, ct))?.Offer ?? new VoicemailOffer(VoicemailDefaults.MaxSeconds, Transcribe: false);

    private async Task<(bool Enabled, VoicemailOffer Offer)?> SettingsAsync(long callId, CancellationToken ct)
    {
        var row = await (
            from c in db.Calls.AsNoTracking()
            where c.Id == callId
            join o in db.Organizations on c.OrganizationId equals o.Id
            join g in db.Groups on c.GroupId equals g.Id into groups
            from g in groups.DefaultIfEmpty()
            join i in db.Inboxes on c.InboxId equals i.Id into inboxes
            from i in inboxes.DefaultIfEmpty()
            select new
            {
                Organization = new { o.VoicemailEnabled, o.VoicemailMaxSeconds, o.VoicemailTranscribe },
                Own = g != null
                    ? new { g.VoicemailEnabled, g.VoicemailMaxSeconds, g.VoicemailTranscribe }
                    : i != null ? new { i.VoicemailEnabled, i.VoicemailMaxSeconds, i.VoicemailTranscribe } : null,
            }).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        if (row.Own is { VoicemailEnabled: { } enabled } own)
        {
            return (enabled, new VoicemailOffer(
                own.VoicemailMaxSeconds ?? VoicemailDefaults.MaxSeconds, own.VoicemailTranscribe ?? false));
        }

        var organization = row.Organization;
        return (organization.VoicemailEnabled,
            new VoicemailOffer(organization.VoicemailMaxSeconds, organization.VoicemailTranscribe));
    }

    /// <summary>
    /// The provider's recording status callback: the message's length decides whether it is a voicemail.
    /// </summary>
    public async Task RecordedAsync(
        long callId,
        string recordingSid,
        RecordingResult status,
        int? durationSeconds,
        bool transcribe,
        string linkBase,
        CancellationToken ct)
    {
        var changed = await ApplyAsync(
            callId,
            v => v.Recorded(recordingSid, status, durationSeconds, transcribe, linkBase, Now()),
            ct);
        log.LogInformation("Call {CallId}: recording {RecordingSid} {Status}, {Duration} s{Repeat}",
            callId, LogText.Sid(recordingSid), status, durationSeconds, changed ? "" : " (already known)");
    }

    public async Task TranscribedAsync(long callId, TranscriptionResult status, string? text, CancellationToken ct)
    {
        var changed = await ApplyAsync(callId, v => v.Transcribed(status, text), ct);
        log.LogInformation(
            "Call {CallId}: transcription {Status}{Repeat}",
            callId,
            status,
            changed ? "" : " (already known)");
    }

    /// <summary>
    /// One pass of the sweeper: events whose transcript was waited for long enough, then recordings past retention.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct) =>
        await ReportWaitingAsync(ct) + await DeleteExpiredAsync(ct);

    public async Task<int> ReportWaitingAsync(CancellationToken ct)
    {
        var waitedSince = Now() - Settings.TranscriptWait;
        var due = await db.Voicemails.AsNoTracking()
            .Where(v => v.Counted && v.EventRaisedAt == null && v.RecordedAt <= waitedSince)
            .OrderBy(v => v.Id).Select(v => v.CallId).Take(SweepBatch).ToListAsync(ct);
        foreach (var callId in due)
        {
            await ApplyAsync(callId, _ => true, ct);
        }

        return due.Count;
    }

    /// <summary>
    /// The recordings still held of these calls of the organization (a contact's erasure counts them first).
    /// </summary>
    public Task<int> CountHeldAsync(long orgId, IQueryable<long> callIds, CancellationToken ct) =>
        db.Voicemails.CountAsync(
            v => v.OrganizationId == orgId && v.RecordingSid != null && callIds.Contains(v.CallId),
            ct);

    /// <summary>
    /// Deletes at the provider, then forgets, every recording still held of these calls of the organization (a contact
    /// forgotten, calls past the data retention). Throws when the provider could not be told, so the caller stops
    /// before the calls lose what would let it try again.
    /// </summary>
    public async Task<int> EraseAsync(long orgId, IReadOnlyCollection<long> callIds, CancellationToken ct)
    {
        var held = await (
            from v in db.Voicemails.AsNoTracking()
            where v.OrganizationId == orgId && v.RecordingSid != null && callIds.Contains(v.CallId)
            join c in db.Calls on v.CallId equals c.Id
            select new { v.CallId, v.RecordingSid, c.Provider, c.CallSid }).ToListAsync(ct);
        var now = Now();
        foreach (var recording in held)
        {
            var at = new HeldRecording(recording.Provider, recording.RecordingSid!, recording.CallSid);
            if (recordings.Configured && await recordings.DeleteAsync(at, ct) == RecordingDeletion.Failed)
            {
                throw new InvalidOperationException(
                    "The provider could not delete a recording; nothing was forgotten.");
            }

            cache.Remove(CacheKey(recording.RecordingSid!));
            await ApplyAsync(recording.CallId, v =>
            {
                v.Forget(now);
                return true;
            }, ct);
        }

        return held.Count;
    }

    /// <summary>
    /// Deletes at the provider, then forgets, each recording past its organization's retention, and at once the
    /// recordings that are no voicemail (too short, silent). A failed deletion is tried again on the next pass.
    /// </summary>
    public async Task<int> DeleteExpiredAsync(CancellationToken ct)
    {
        if (!recordings.Configured)
        {
            return 0;
        }

        var now = Now();
        var expired = await (
            from v in db.Voicemails.AsNoTracking()
            join o in db.Organizations on v.OrganizationId equals o.Id
            join c in db.Calls on v.CallId equals c.Id
            where v.RecordingSid != null && v.DeletedAt == null && v.RecordingStatus != null
                && (!v.Counted || v.RecordedAt < now.AddDays(-o.VoicemailRetentionDays))
            orderby v.Id
            select new { v.CallId, v.RecordingSid, c.Provider, c.CallSid }).Take(SweepBatch).ToListAsync(ct);
        var deleted = 0;
        foreach (var recording in expired)
        {
            var at = new HeldRecording(recording.Provider, recording.RecordingSid!, recording.CallSid);
            if (await recordings.DeleteAsync(at, ct) == RecordingDeletion.Failed)
            {
                continue;
            }

            cache.Remove(CacheKey(recording.RecordingSid!));
            await ApplyAsync(recording.CallId, v =>
            {
                v.Forget(now);
                return true;
            }, ct);
            deleted++;
        }

        if (deleted > 0)
        {
            log.LogInformation("Deleted {Count} recording(s) at the provider and forgot them", deleted);
        }

        return deleted;
    }

    /// <summary>
    /// The audio of a call's voicemail for a viewer of the organization: an admin, or the agent the call was offered
    /// to.
    /// </summary>
    public async Task<VoicemailAudio> AudioAsync(long orgId, long callId, Caller viewer, CancellationToken ct)
    {
        var visible = await db.Calls.AsNoTracking()
            .AnyAsync(
                c => c.Id == callId && c.OrganizationId == orgId && (viewer.IsAdmin || c.AgentId == viewer.AgentId),
                ct);
        return visible ? await AudioAsync(callId, ct) : new VoicemailAudio.Missing();
    }

    /// <summary>The audio of a call's voicemail, for a signed link that was checked already.</summary>
    public async Task<VoicemailAudio> AudioAsync(long callId, CancellationToken ct)
    {
        var voicemail = await (
            from v in db.Voicemails.AsNoTracking()
            where v.CallId == callId && v.Counted
            join c in db.Calls on v.CallId equals c.Id
            select new { v.RecordingSid, c.Provider, c.CallSid }).FirstOrDefaultAsync(ct);
        if (voicemail is null)
        {
            return new VoicemailAudio.Missing();
        }

        if (voicemail.RecordingSid is not { } sid)
        {
            return new VoicemailAudio.Gone();
        }

        if (cache.TryGetValue(CacheKey(sid), out RecordingAudio.Found? kept) && kept is not null)
        {
            return new VoicemailAudio.Found(kept.Bytes, kept.ContentType);
        }

        switch (await recordings.FetchAsync(new HeldRecording(voicemail.Provider, sid, voicemail.CallSid), ct))
        {
            case RecordingAudio.Found found:
                // A player asks for the audio in several ranges; they are served from here for a few minutes.
                cache.Set(
                    CacheKey(sid),
                    found,
                    new MemoryCacheEntryOptions
                    {
                        Size = found.Bytes.Length,
                        AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5),
                    });
                return new VoicemailAudio.Found(found.Bytes, found.ContentType);
            case RecordingAudio.Gone:
                return new VoicemailAudio.Gone();
            case RecordingAudio.Failed failed:
                log.LogWarning(
                    "Call {CallId}: the voicemail's audio could not be read ({Detail})",
                    callId,
                    failed.Detail);
                return new VoicemailAudio.Unavailable(failed.Status);
            default:
                throw new InvalidOperationException("Unknown answer");
        }
    }

    /// <summary>
    /// Applies one change to the call's voicemail (creating it when the first callback comes), and raises its event in
    /// the same transaction once it is ready; a concurrent change (the other callback, another instance) is retried, so
    /// the event is raised once.
    /// </summary>
    private async Task<bool> ApplyAsync(long callId, Func<VoicemailRecord, bool> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var voicemail = await db.Voicemails.FirstOrDefaultAsync(v => v.CallId == callId, ct);
            if (voicemail is null)
            {
                var organizationId = await db.Calls.AsNoTracking()
                    .Where(c => c.Id == callId)
                    .Select(c => c.OrganizationId)
                    .FirstOrDefaultAsync(ct);
                if (organizationId is not { } orgId)
                {
                    return false;
                }

                voicemail = VoicemailRecord.For(callId, orgId);
                db.Voicemails.Add(voicemail);
            }

            if (!change(voicemail))
            {
                return false;
            }

            await ReportIfReadyAsync(voicemail, ct);
            try
            {
                await db.SaveChangesAsync(ct);
                return true;
            }
            catch (DbUpdateException) when (attempt < MaxAttempts && !ct.IsCancellationRequested)
            {
                log.LogDebug("Voicemail of call {CallId} changed under us; retrying", callId);
            }
        }
    }

    private async Task ReportIfReadyAsync(VoicemailRecord voicemail, CancellationToken ct)
    {
        var now = Now();
        if (!voicemail.ReadyToReport(now, Settings.TranscriptWait))
        {
            return;
        }

        voicemail.Reported(now);
        var reports = await db.Organizations.AnyAsync(
            o => o.Id == voicemail.OrganizationId && o.CallEventsUrl != null,
            ct);
        var call = reports
            ? await db.Calls.AsNoTracking().FirstOrDefaultAsync(c => c.Id == voicemail.CallId, ct)
            : null;
        if (call is null)
        {
            return;
        }

        var linkBase = options.Value.Twilio.PublicBaseUrl ?? voicemail.LinkBase;
        var link = linkBase is null ? null : links.For(call.Id, linkBase);
        db.CallEvents.Add(
            CallEndEvents.VoicemailLeft(
                call,
                new CallEndEvents.EventVoicemail(
                    voicemail.DurationSeconds ?? 0,
                    voicemail.Transcript,
                    link?.Url,
                    link?.ExpiresAt),
                now));
    }

    private static string CacheKey(string recordingSid) => "voicemail-audio:" + recordingSid;

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}

/// <summary>
/// Audio fetched from the provider, kept a few minutes for the several Range requests of one play; 64 MB at most.
/// </summary>
public sealed class VoicemailAudioCache() : MemoryCache(new MemoryCacheOptions { SizeLimit = 64 * 1024 * 1024 });
