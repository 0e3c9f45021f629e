using System.Globalization;
using System.Net;
using System.Xml.Linq;
using Switchboard.Twilio;

namespace Switchboard.Tests.Support;

/// <summary>
/// Plays the telephony provider: posts signed webhooks the way Twilio does, and follows the URLs in the
/// TwiML answers (the agent leg's <c>Number url</c>, the <c>Gather</c> and <c>Dial</c> actions). Signs with the global
/// auth token, or with the one given (an organization's own account).
/// </summary>
public sealed class TwilioProvider(HttpClient http, string authToken = SwitchboardApp.AuthToken)
{
    private int _sequence;

    public string NewCallSid() => $"CA{Interlocked.Increment(ref _sequence):D4}{Guid.NewGuid():N}";

    /// <summary>A contact calls a platform number; the answer is the TwiML for the caller's leg.</summary>
    /// <param name="stirVerstat">Twilio's caller-verification result, sent as <c>StirVerstat</c> when given.</param>
    public async Task<Call> CallAsync(string from, string to, string? callSid = null, string? stirVerstat = null)
    {
        var sid = callSid ?? NewCallSid();
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = sid,
            ["AccountSid"] = "ACtest",
            ["From"] = from,
            ["To"] = to,
            ["CallStatus"] = "ringing",
            ["Direction"] = "inbound",
            ["ApiVersion"] = "2010-04-01",
        };
        if (stirVerstat is not null)
        {
            form["StirVerstat"] = stirVerstat;
        }

        var answer = await PostAsync("/webhooks/twilio/voice", form);
        return new Call(this, sid, answer);
    }

    /// <summary>
    /// An outbound call that Switchboard asked the provider's REST API for: the provider now calls the URLs the request
    /// named.
    /// </summary>
    public OutboundCall Outbound(FakeTwilioApi.CallRequest created) => new(this, created);

    public Task<TwiMLAnswer> PostAsync(string pathOrUrl, Dictionary<string, string> form, string? signature = null)
    {
        var url = pathOrUrl.StartsWith("http", StringComparison.Ordinal)
            ? pathOrUrl
            : SwitchboardApp.PublicBaseUrl + pathOrUrl;
        return SendAsync(url, form, signature ?? TwilioSignature.Compute(authToken, url, form));
    }

    public async Task<TwiMLAnswer> SendAsync(string publicUrl, Dictionary<string, string> form, string? signature)
    {
        var uri = new Uri(publicUrl);
        using var request = new HttpRequestMessage(
            HttpMethod.Post,
            uri.PathAndQuery) { Content = new FormUrlEncodedContent(form) };
        if (signature is not null)
        {
            request.Headers.Add("X-Twilio-Signature", signature);
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType == "text/xml" && body.Length > 0)
        {
            TwiMLRules.Check(body);
        }

        return new TwiMLAnswer(response.StatusCode, mediaType, body);
    }

    public sealed record Call(TwilioProvider Provider, string CallSid, TwiMLAnswer Answer)
    {
        public string AgentCallSid { get; } = "CA" + Guid.NewGuid().ToString("N");

        /// <summary>The dialed agent picks up: the provider fetches the <c>Number url</c>.</summary>
        public Task<TwiMLAnswer> AgentAnswersAsync() => Provider.PostAsync(Answer.Attribute("Number", "url"), new()
        {
            ["CallSid"] = AgentCallSid,
            ["ParentCallSid"] = CallSid,
            ["AccountSid"] = "ACtest",
            ["CallStatus"] = "in-progress",
            ["Direction"] = "outbound-api",
        });

        /// <summary>The agent presses keys (or, with null, stays silent) at the screening prompt.</summary>
        public async Task<TwiMLAnswer> AgentPressesAsync(string? digits)
        {
            var prompt = await AgentAnswersAsync();
            return await PressAsync(prompt, digits);
        }

        public Task<TwiMLAnswer> PressAsync(TwiMLAnswer prompt, string? digits)
        {
            var form = new Dictionary<string, string>
            {
                ["CallSid"] = AgentCallSid,
                ["ParentCallSid"] = CallSid,
                ["AccountSid"] = "ACtest",
                ["CallStatus"] = "in-progress",
            };
            if (digits is not null)
            {
                form["Digits"] = digits;
            }

            return Provider.PostAsync(prompt.Attribute("Gather", "action"), form);
        }

        /// <summary>The dial ends: the provider asks the <c>Dial action</c> what the caller hears next.</summary>
        public Task<TwiMLAnswer> DialEndsAsync(
            string dialCallStatus,
            bool? bridged,
            int? dialSeconds = null,
            string callStatus = "in-progress")
        {
            var form = new Dictionary<string, string>
            {
                ["CallSid"] = CallSid,
                ["AccountSid"] = "ACtest",
                ["CallStatus"] = callStatus,
                ["DialCallStatus"] = dialCallStatus,
                ["DialCallSid"] = AgentCallSid,
            };
            if (bridged is { } b)
            {
                form["DialBridged"] = b ? "true" : "false";
            }

            if (dialSeconds is { } s)
            {
                form["DialCallDuration"] = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Provider.PostAsync(Answer.Attribute("Dial", "action"), form);
        }

        /// <summary>A status callback for the dialed leg, to the URL the TwiML named.</summary>
        public Task<TwiMLAnswer> LegStatusAsync(string status, int? durationSeconds = null)
        {
            var form = new Dictionary<string, string>
            {
                ["CallSid"] = AgentCallSid,
                ["ParentCallSid"] = CallSid,
                ["AccountSid"] = "ACtest",
                ["CallStatus"] = status,
            };
            if (durationSeconds is { } d)
            {
                form["CallDuration"] = d.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Provider.PostAsync(Answer.Attribute("Number", "statusCallback"), form);
        }

        /// <summary>A status callback for the caller's own leg (the number's status callback URL).</summary>
        public Task<TwiMLAnswer> CallerStatusAsync(string status, int? durationSeconds = null)
        {
            var form = new Dictionary<string, string>
            {
                ["CallSid"] = CallSid,
                ["AccountSid"] = "ACtest",
                ["CallStatus"] = status,
            };
            if (durationSeconds is { } d)
            {
                form["CallDuration"] = d.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Provider.PostAsync("/webhooks/twilio/status", form);
        }
    }
}

/// <summary>
/// The provider's side of an outbound call: the agent's leg is the call created through the REST API (its <c>Url</c>
/// and <c>StatusCallback</c>), the contact's leg the one its <c>Dial</c> places.
/// </summary>
public sealed record OutboundCall(TwilioProvider Provider, FakeTwilioApi.CallRequest Created)
{
    public string ContactCallSid { get; } = "CA" + Guid.NewGuid().ToString("N");

    /// <summary>A status of the agent's leg, to the request's <c>StatusCallback</c>.</summary>
    public Task<TwiMLAnswer> AgentStatusAsync(string status, int? durationSeconds = null) =>
        Provider.PostAsync(
            Created.StatusCallback!,
            Form(Created.Sid, status, ("CallDuration", durationSeconds?.ToString(CultureInfo.InvariantCulture))));

    /// <summary>The agent picks up: the provider fetches the request's <c>Url</c>.</summary>
    public Task<TwiMLAnswer> AgentAnswersAsync() =>
        Provider.PostAsync(Created.Url!, Form(Created.Sid, "in-progress", ("From", Created.From), ("To", Created.To)));

    /// <summary>The agent presses keys (or, with null, stays silent) at the prompt.</summary>
    public Task<TwiMLAnswer> PressAsync(TwiMLAnswer prompt, string? digits) =>
        Provider.PostAsync(prompt.Attribute("Gather", "action"), Form(Created.Sid, "in-progress", ("Digits", digits)));

    /// <summary>A status of the contact's leg, to the <c>Number statusCallback</c> of the dial.</summary>
    public Task<TwiMLAnswer> ContactStatusAsync(TwiMLAnswer dial, string status) =>
        Provider.PostAsync(
            dial.Attribute("Number", "statusCallback"),
            Form(ContactCallSid, status, ("ParentCallSid", Created.Sid)));

    /// <summary>
    /// The dial to the contact ends: the provider asks the <c>Dial action</c> what the agent hears next.
    /// </summary>
    public Task<TwiMLAnswer> DialEndsAsync(
        TwiMLAnswer dial,
        string dialCallStatus,
        bool? bridged,
        int? dialSeconds = null) =>
        Provider.PostAsync(dial.Attribute("Dial", "action"), Form(Created.Sid, "in-progress",
            ("DialCallStatus", dialCallStatus),
            ("DialCallSid", ContactCallSid),
            ("DialBridged", bridged?.ToString().ToLowerInvariant()),
            ("DialCallDuration", dialSeconds?.ToString(CultureInfo.InvariantCulture))));

    private static Dictionary<string, string> Form(
        string callSid,
        string status,
        params (string Name, string? Value)[] more)
    {
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = callSid,
            ["AccountSid"] = FakeTwilioApi.AccountSid,
            ["CallStatus"] = status,
            ["Direction"] = "outbound-api",
        };
        foreach (var (name, value) in more.Where(m => m.Value is not null))
        {
            form[name] = value!;
        }

        return form;
    }
}

/// <summary>A webhook answer, parsed as TwiML when it is XML.</summary>
public sealed record TwiMLAnswer(HttpStatusCode Status, string? MediaType, string Body)
{
    public XElement Response => XDocument.Parse(Body).Root!;

    /// <summary>The names of the top-level verbs, e.g. ["Dial"] or ["Say", "Hangup"].</summary>
    public IReadOnlyList<string> Verbs => Response.Elements().Select(e => e.Name.LocalName).ToList();

    public XElement? Find(string element) => Response.Descendants(element).FirstOrDefault();

    public string Attribute(string element, string attribute) =>
        Find(element)?.Attribute(attribute)?.Value
            ?? throw new InvalidOperationException($"No <{element} {attribute}> in {Body}");

    public string? Text(string element) => Find(element)?.Value;
}
