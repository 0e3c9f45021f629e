namespace Switchboard.Providers;

/// <summary>The markup a webhook answers when it cannot do its work (database down, unexpected error).</summary>
/// <param name="OnlyAcknowledges">
/// The answer only acknowledges (a status callback; nobody hears it): past the budget it is sent at once, but
/// the work goes on up to the provider's own timeout, so that a database that is only slow loses nothing.
/// </param>
public sealed record WebhookFallback(string Document, bool OnlyAcknowledges = false)
{
    /// <summary>Every dialect Switchboard writes (TwiML, SignalWire's cXML, TeXML) is XML served as this.</summary>
    public const string ContentType = "text/xml; charset=utf-8";

    /// <summary>The document that ends a call in every one of those dialects.</summary>
    public const string Hangup = """<?xml version="1.0" encoding="UTF-8"?><Response><Hangup /></Response>""";
}
