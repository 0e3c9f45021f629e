namespace Switchboard.Calls.Voicemail;

/// <summary>
/// The provider's stored recordings, by sid: their audio, and their deletion. Only the provider edge knows how.
/// </summary>
public interface IRecordings
{
    /// <summary>False when the provider's account is not configured: no recording can be fetched or deleted.</summary>
    bool Configured { get; }

    Task<RecordingAudio> FetchAsync(string recordingSid, CancellationToken ct);

    Task<RecordingDeletion> DeleteAsync(string recordingSid, CancellationToken ct);
}

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
