namespace Switchboard.Privacy;

/// <summary>
/// Deletes the recordings of calls (in Switchboard and at the provider) when a contact is forgotten or calls pass the
/// organization's retention. Voicemail's recordings plug in here (<see cref="VoicemailRecordings"/>).
/// </summary>
public interface IRecordingEraser
{
    Task<int> CountAsync(long orgId, IQueryable<long> callIds, CancellationToken ct);

    /// <summary>
    /// Deletes them and returns how many; throws when the provider could not be told, so that the erasure stops before
    /// the number is gone.
    /// </summary>
    Task<int> EraseAsync(long orgId, IReadOnlyCollection<long> callIds, CancellationToken ct);
}
