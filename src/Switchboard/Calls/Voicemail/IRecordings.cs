namespace Switchboard.Calls.Voicemail;

/// <summary>
/// The providers' stored recordings: their audio, and their deletion, each at the provider that carried the call.
/// Only the provider edge knows how; it builds the URL from the ids, never from a URL a webhook named.
/// </summary>
public interface IRecordings
{
    /// <summary>False when no provider account is configured: no recording can be fetched or deleted.</summary>
    bool Configured { get; }

    Task<RecordingAudio> FetchAsync(HeldRecording recording, CancellationToken ct);

    Task<RecordingDeletion> DeleteAsync(HeldRecording recording, CancellationToken ct);
}

/// <summary>
/// A recording at the provider that carried its call (<see cref="CallRecord.Provider"/>, null: Twilio): its id, and
/// its call's, since Bandwidth names a recording's media by both.
/// </summary>
public sealed record HeldRecording(string? Provider, string RecordingSid, string CallSid);

public abstract record RecordingAudio
{
    public sealed record Found(byte[] Bytes, string ContentType) : RecordingAudio;

    /// <summary>The provider has no such recording (deleted there, or never made).</summary>
    public sealed record Gone : RecordingAudio;

    /// <summary>
    /// The provider failed, was too slow, or could not be reached; the detail is for the log, never for a caller.
    /// </summary>
    public sealed record Failed(int Status, string Detail) : RecordingAudio;
}

public enum RecordingDeletion { Deleted, AlreadyGone, Failed }
