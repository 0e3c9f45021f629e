using Switchboard.Bandwidth;
using Switchboard.Calls;
using Switchboard.Providers;
using Switchboard.Telnyx;
using Switchboard.Twilio;

namespace Switchboard;

/// <summary>
/// Places an agent-made call through the provider whose account places them (<see cref="ProviderCredentials"/>).
/// It knows every provider, so it sits with the composition (Program.cs), outside the shared edge that the providers
/// themselves build on.
/// </summary>
public sealed class ProviderCallPlacer(
    ProviderCredentials credentials,
    TwilioCallPlacer compatible,
    TelnyxCallPlacer telnyx,
    BandwidthCallPlacer bandwidth) : ICallPlacer
{
    public bool Configured => credentials.OutboundProvider() switch
    {
        Provider.Twilio => credentials.TwilioAccount() is not null,
        Provider.SignalWire => credentials.SignalWireAccount() is not null,
        Provider.Telnyx => telnyx.Configured,
        Provider.Bandwidth => bandwidth.Configured,
        _ => false,
    };

    public Task<PlaceResult> RingAgentAsync(
        long callId, string agentPhone, string platformNumber, CancellationToken ct) =>
        credentials.OutboundProvider() switch
        {
            Provider.Twilio when credentials.TwilioAccount() is { } twilio =>
                compatible.RingAgentAsync(twilio, callId, agentPhone, platformNumber, ct),
            Provider.SignalWire when credentials.SignalWireAccount() is { } signalWire =>
                compatible.RingAgentAsync(signalWire, callId, agentPhone, platformNumber, ct),
            Provider.Telnyx when telnyx.Configured => telnyx.RingAgentAsync(callId, agentPhone, platformNumber, ct),
            Provider.Bandwidth when bandwidth.Configured =>
                bandwidth.RingAgentAsync(callId, agentPhone, platformNumber, ct),
            _ => Task.FromResult<PlaceResult>(new PlaceResult.NotSent("No provider account is configured")),
        };
}
