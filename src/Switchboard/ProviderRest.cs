using Switchboard.Bandwidth;
using Switchboard.Calls;
using Switchboard.Calls.Voicemail;
using Switchboard.Providers;
using Switchboard.Telnyx;
using Switchboard.Twilio;

namespace Switchboard;

/// <summary>
/// Reads a call's recordings and status at the provider that carried the call (<see cref="CallRecord.Provider"/>;
/// none recorded: Twilio), through that provider's folder. It knows every provider, so it sits with the composition
/// (Program.cs), as <see cref="ProviderCallPlacer"/> does.
/// </summary>
public sealed class ProviderRest(
    ProviderCredentials credentials, TwilioRest compatible, TelnyxRest telnyx, BandwidthRest bandwidth)
    : IRecordings, ICallLookup
{
    public bool Configured => credentials.CanReadProviders;

    public Task<RecordingAudio> FetchAsync(HeldRecording recording, CancellationToken ct) =>
        Carrier(recording.Provider) switch
        {
            Provider.Telnyx => telnyx.FetchAsync(recording, ct),
            Provider.Bandwidth => bandwidth.FetchAsync(recording, ct),
            var provider => compatible.FetchAsync(provider, recording, ct),
        };

    public Task<RecordingDeletion> DeleteAsync(HeldRecording recording, CancellationToken ct) =>
        Carrier(recording.Provider) switch
        {
            Provider.Telnyx => telnyx.DeleteAsync(recording, ct),
            Provider.Bandwidth => bandwidth.DeleteAsync(recording, ct),
            var provider => compatible.DeleteAsync(provider, recording, ct),
        };

    public Task<CallLookup> LookupAsync(string? provider, string callSid, CancellationToken ct) =>
        Carrier(provider) switch
        {
            Provider.Telnyx => telnyx.LookupAsync(callSid, ct),
            Provider.Bandwidth => bandwidth.LookupAsync(callSid, ct),
            var compatibleProvider => compatible.LookupAsync(compatibleProvider, callSid, ct),
        };

    /// <summary>
    /// The provider a call's record names by its webhook segment; calls from before it was kept: Twilio.
    /// </summary>
    public static Provider Carrier(string? segment) =>
        Enum.GetValues<Provider>().FirstOrDefault(p => p.Segment() == segment, Provider.Twilio);
}
