namespace Switchboard.Calls.Voicemail;

/// <summary>What the provider made of a recording, in Switchboard's words (the edge parses the provider's).</summary>
public enum RecordingResult { Completed, Absent, Failed }

public enum TranscriptionResult { Completed, Failed }

/// <summary>
/// What a caller left after the unavailable message: the provider's recording (by its sid only; its media is fetched
/// from the configured REST API, never from a URL a webhook named), its length, and the transcript when asked for.
/// The recording and transcript are forgotten when the organization's retention ends; the length stays.
/// </summary>
public sealed class VoicemailRecord
{
    /// <summary>Shorter recordings (after the provider trimmed the silence) are no voicemail.</summary>
    public const int MinSeconds = 2;

    public const int MaxTranscriptLength = 4000;

    public long Id { get; private set; }
    public long CallId { get; init; }
    public long OrganizationId { get; init; }

    /// <summary>The provider's recording sid; null once deleted (or when the provider made none).</summary>
    public string? RecordingSid { get; private set; }

    /// <summary>Null until the recording callback came.</summary>
    public RecordingResult? RecordingStatus { get; private set; }

    public int? DurationSeconds { get; private set; }

    /// <summary>
    /// The caller left a message of at least <see cref="MinSeconds"/>: it is shown, counted and reported.
    /// </summary>
    public bool Counted { get; private set; }

    /// <summary>A transcription was asked of the provider, so the event waits for it (up to a limit).</summary>
    public bool TranscribeRequested { get; private set; }

    public string? Transcript { get; private set; }
    public TranscriptionResult? TranscriptionStatus { get; private set; }
    public DateTime? RecordedAt { get; private set; }

    /// <summary>
    /// Where the signed audio link points, when no public base URL is configured (the webhook's own).
    /// </summary>
    public string? LinkBase { get; private set; }

    public DateTime? EventRaisedAt { get; private set; }
    public DateTime? DeletedAt { get; private set; }

    public int Version { get; private set; }

    public static VoicemailRecord For(long callId, long organizationId) =>
        new() { CallId = callId, OrganizationId = organizationId };

    /// <summary>
    /// The recording status callback; only the first final status counts (a provider retry changes nothing).
    /// </summary>
    public bool Recorded(
        string recordingSid,
        RecordingResult status,
        int? durationSeconds,
        bool transcribe,
        string? linkBase,
        DateTime now)
    {
        if (RecordingStatus is not null || DeletedAt is not null)
        {
            return false;
        }

        RecordingSid = recordingSid;
        RecordingStatus = status;
        DurationSeconds = durationSeconds;
        Counted = status == RecordingResult.Completed && durationSeconds >= MinSeconds;
        TranscribeRequested = transcribe && Counted;
        RecordedAt = now;
        LinkBase = linkBase;
        Version++;
        return true;
    }

    /// <summary>The transcription callback (it may come before the recording's); only the first counts.</summary>
    public bool Transcribed(TranscriptionResult status, string? text)
    {
        if (TranscriptionStatus is not null || DeletedAt is not null)
        {
            return false;
        }

        TranscriptionStatus = status;
        var trimmed = status == TranscriptionResult.Completed ? text?.Trim() : null;
        Transcript = string.IsNullOrEmpty(trimmed) ? null
            : trimmed.Length <= MaxTranscriptLength ? trimmed : trimmed[..MaxTranscriptLength];
        Version++;
        return true;
    }

    /// <summary>
    /// Its event may go: a counted message whose transcript came, was not asked for, or was waited for long enough.
    /// </summary>
    public bool ReadyToReport(DateTime now, TimeSpan transcriptWait) =>
        Counted && EventRaisedAt is null && RecordedAt is { } at &&
        (!TranscribeRequested || TranscriptionStatus is not null || now >= at + transcriptWait);

    public void Reported(DateTime now)
    {
        EventRaisedAt = now;
        Version++;
    }

    /// <summary>
    /// The recording is gone at the provider: the call keeps the message's length, nothing of its content.
    /// </summary>
    public void Forget(DateTime now)
    {
        RecordingSid = null;
        Transcript = null;
        DeletedAt ??= now;
        Version++;
    }
}
