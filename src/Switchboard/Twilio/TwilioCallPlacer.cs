using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Switchboard.Calls;
using Switchboard.Phones;
using Switchboard.Providers;

namespace Switchboard.Twilio;

/// <summary>
/// Rings an agent through a Twilio-compatible REST API (Twilio's, or SignalWire's compatibility API):
/// <c>POST {account}/Calls.json</c> with Basic auth, <c>To</c> = the agent's phone, <c>From</c> = the platform number,
/// <c>Url</c> = the webhook that prompts the agent, and status callbacks for every status of the agent's leg.
/// An organization's own account is <see cref="CompatibleAccount.Guarded"/>: its <c>apiBaseUrl</c> is not the
/// operator's config, so its calls go through the network guard, which checks the address at connect time.
/// </summary>
public sealed class TwilioCallPlacer(
    IHttpClientFactory clients, CallbackUrls callbackUrls, ILogger<TwilioCallPlacer> log)
{
    /// <summary>The global accounts' client: the operator's configured Twilio or SignalWire API.</summary>
    public const string Client = "twilio-rest";

    /// <summary>Organizations' own accounts' client, behind the network guard.</summary>
    public const string GuardedClient = "twilio-rest-guarded";

    public async Task<PlaceResult> RingAgentAsync(
        CompatibleAccount account, long callId, string agentPhone, string platformNumber, CancellationToken ct)
    {
        var urls = callbackUrls.For(account.Provider);
        var form = new List<KeyValuePair<string, string>>
        {
            new("To", agentPhone),
            new("From", platformNumber),
            new("Url", urls.OutboundAnswered(callId)),
            new("Method", "POST"),
            new("StatusCallback", urls.Status(callId, CallLeg.Agent)),
            new("StatusCallbackMethod", "POST"),
        };
        form.AddRange(TwiML.StatusEventNames.Select(e => KeyValuePair.Create("StatusCallbackEvent", e)));

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{account.AccountUrl}/Calls.json")
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Authorization = account.Authorization();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        try
        {
            var http = clients.CreateClient(account.Guarded ? GuardedClient : Client);
            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            return response.IsSuccessStatusCode
                ? Placed(body, account.Provider)
                : Refused(response.StatusCode, body);
        }
        // The API's address and the socket's words go to the operator's log only: the detail reaches admins (answers,
        // call log).
        catch (Exception e) when (ProviderHttp.NeverSent(e))
        {
            log.LogWarning(e, "The provider's API at {ApiBaseUrl} could not be reached", account.ApiBaseUrl);
            return new PlaceResult.NotSent("The provider's API could not be reached");
        }
        catch (Exception e) when (ProviderHttp.Unanswered(e, ct))
        {
            log.LogWarning(e, "No answer from the provider's API at {ApiBaseUrl}", account.ApiBaseUrl);
            return PlaceResults.NoAnswer(e);
        }
    }

    private static PlaceResult Placed(string body, Provider provider)
    {
        var json = Parse(body);
        return Text(json, "sid") is { Length: > 0 } sid
            ? new PlaceResult.Placed(
                sid, TwilioStatuses.Parse(Text(json, "status")) ?? CallStatus.Queued, provider.Segment())
            : new PlaceResult.Uncertain("The provider answered success without a call sid");
    }

    /// <summary>Twilio's errors read <c>{"code": 21211, "message": "…", "more_info": "…", "status": 400}</c>.</summary>
    private static PlaceResult Refused(HttpStatusCode status, string body)
    {
        var json = Parse(body);
        int? code = json is { ValueKind: JsonValueKind.Object } o
            && o.TryGetProperty("code", out var c)
            && c.TryGetInt32(out var n)
            ? n
            : null;
        // Masked here, so that the agent's number the provider may quote reaches no log, record or other person.
        var message = Text(json, "message") is { Length: > 0 } m ? PhoneMask.MaskAll(m) : $"{(int)status} {status}";
        return new PlaceResult.Refused(
            (int)status,
            code,
            message.Length <= 300 ? message : message[..300],
            Text(json, "more_info"));
    }

    private static JsonElement? Parse(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement? json, string name) =>
        json is { ValueKind: JsonValueKind.Object } o
            && o.TryGetProperty(name, out var v)
            && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;
}
