using Switchboard.Calls.Voicemail;

namespace Switchboard.Privacy;

/// <summary>
/// The recordings an erasure or the data retention deletes: the calls' voicemails, at the provider too.
/// </summary>
public sealed class VoicemailRecordings(Voicemails voicemails) : IRecordingEraser
{
    public Task<int> CountAsync(long orgId, IQueryable<long> callIds, CancellationToken ct) =>
        voicemails.CountHeldAsync(orgId, callIds, ct);

    public Task<int> EraseAsync(long orgId, IReadOnlyCollection<long> callIds, CancellationToken ct) =>
        voicemails.EraseAsync(orgId, callIds, ct);
}
