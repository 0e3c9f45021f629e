namespace Switchboard.Providers;

/// <summary>
/// The telephony providers Switchboard speaks; each has its folder (<c>Twilio/</c>, <c>SignalWire/</c>, …).
/// </summary>
public enum Provider
{
    Twilio,
    SignalWire,
    Telnyx,
    Bandwidth,
}

public static class ProviderNames
{
    /// <summary>The provider's segment in its webhook URLs: <c>/webhooks/{segment}/…</c>.</summary>
    public static string Segment(this Provider provider) => provider.ToString().ToLowerInvariant();
}
