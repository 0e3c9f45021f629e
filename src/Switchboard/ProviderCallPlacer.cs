using Switchboard.Bandwidth;
using Switchboard.Calls;
using Switchboard.Providers;
using Switchboard.Telnyx;
using Switchboard.Twilio;

namespace Switchboard;

/// <summary>
/// Places an agent-made call through the account of the call's organization: its own, or the global one of the
/// provider that places them (<see cref="ProviderCredentials"/>). It knows every provider, so it sits with the
/// composition (Program.cs), outside the shared edge that the providers themselves build on.
/// </summary>
public sealed class ProviderCallPlacer(
    ProviderCredentials credentials,
    TwilioCallPlacer compatible,
    TelnyxCallPlacer telnyx,
    BandwidthCallPlacer bandwidth) : ICallPlacer
{
    public bool Configured => credentials.CanPlaceCalls;

    public async Task<PlaceResult> RingAgentAsync(
        long callId, string agentPhone, string platformNumber, CancellationToken ct) =>
        await credentials.OutboundForCallAsync(callId, ct) switch
        {
            OutboundAccount.Compatible c =>
                await compatible.RingAgentAsync(c.Account, callId, agentPhone, platformNumber, ct),
            OutboundAccount.Telnyx t =>
                await telnyx.RingAgentAsync(t.Options, t.Guarded, callId, agentPhone, platformNumber, ct),
            OutboundAccount.Bandwidth b =>
                await bandwidth.RingAgentAsync(b.Options, b.Guarded, callId, agentPhone, platformNumber, ct),
            _ => new PlaceResult.NotSent("No provider account can place this organization's calls"),
        };
}
