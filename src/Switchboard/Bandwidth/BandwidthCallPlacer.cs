using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Switchboard.Calls;
using Switchboard.Phones;
using Switchboard.Providers;

namespace Switchboard.Bandwidth;

/// <summary>
/// Rings an agent through Bandwidth's Voice API: <c>POST {ApiBaseUrl}/api/v2/accounts/{accountId}/calls</c> with
/// the API user's Basic auth and a JSON body — <c>from</c> (the platform number), <c>to</c> (the agent's phone),
/// <c>applicationId</c>, <c>answerUrl</c> (the webhook that prompts the agent), <c>disconnectUrl</c> (the agent's
/// leg) and the callback credentials Bandwidth signs in to both with. Bandwidth answers 201 with the call's
/// <c>callId</c>, or an error <c>{type, description}</c>. What is retried is <see cref="ProviderHttp"/>'s rule:
/// only what never left.
/// </summary>
public sealed class BandwidthCallPlacer(
    HttpClient http, CallbackUrls callbackUrls, ILogger<BandwidthCallPlacer> log)
{
    /// <param name="bandwidth">The account of the call's organization (<see cref="ProviderCredentials"/>).</param>
    public async Task<PlaceResult> RingAgentAsync(
        BandwidthOptions bandwidth, long callId, string agentPhone, string platformNumber, CancellationToken ct)
    {
        var urls = callbackUrls.For(Provider.Bandwidth);
        var body = new Dictionary<string, string?>
        {
            ["from"] = platformNumber,
            ["to"] = agentPhone,
            ["applicationId"] = bandwidth.ApplicationId,
            ["answerUrl"] = urls.OutboundAnswered(callId),
            ["answerMethod"] = "POST",
            ["disconnectUrl"] = urls.Status(callId, CallLeg.Agent),
            ["disconnectMethod"] = "POST",
            ["username"] = bandwidth.CallbackUsername,
            ["password"] = bandwidth.CallbackPassword,
        };
        var root = bandwidth.ApiBaseUrl.TrimEnd('/');
        using var request = new HttpRequestMessage(
            HttpMethod.Post, $"{root}/api/v2/accounts/{Uri.EscapeDataString(bandwidth.AccountId!)}/calls")
        {
            Content = JsonContent.Create(body.Where(f => f.Value is not null).ToDictionary()),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{bandwidth.Username}:{bandwidth.Password}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        try
        {
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            return response.IsSuccessStatusCode ? Placed(text) : Refused(response.StatusCode, text);
        }
        catch (Exception e) when (ProviderHttp.NeverSent(e))
        {
            log.LogWarning(e, "The provider's API at {ApiBaseUrl} could not be reached", root);
            return new PlaceResult.NotSent("The provider's API could not be reached");
        }
        catch (Exception e) when (ProviderHttp.Unanswered(e, ct))
        {
            log.LogWarning(e, "No answer from the provider's API at {ApiBaseUrl}", root);
            return PlaceResults.NoAnswer(e);
        }
    }

    /// <summary>The Voice API has no call status in its answer: a created call is queued until it rings.</summary>
    private static PlaceResult Placed(string body) =>
        Text(Parse(body), "callId") is { Length: > 0 } callId
            ? new PlaceResult.Placed(callId, CallStatus.Queued, Provider.Bandwidth.Segment())
            : new PlaceResult.Uncertain("The provider answered success without a call id");

    /// <summary>Bandwidth's errors read <c>{"type": "validation", "description": "…"}</c>.</summary>
    private static PlaceResult Refused(HttpStatusCode status, string body)
    {
        var json = Parse(body);
        var words = Text(json, "description") ?? Text(json, "type");
        // Masked here, so that the agent's number the provider may quote reaches no log, record or other person.
        var message = words is { Length: > 0 } ? PhoneMask.MaskAll(words) : $"{(int)status} {status}";
        return new PlaceResult.Refused((int)status, null, message.Length <= 300 ? message : message[..300], null);
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
        json is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v)
            && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;
}
