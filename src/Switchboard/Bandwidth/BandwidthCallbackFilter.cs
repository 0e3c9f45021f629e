using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Switchboard.Phones;
using Switchboard.Providers;

namespace Switchboard.Bandwidth;

/// <summary>
/// Bandwidth signs in to every callback with HTTP Basic auth, using the callback credentials set on the Voice
/// application (and on each BXML verb Switchboard writes) of the organization that owns the call — by its id in the
/// URL — or else the called number (the event's <c>to</c>); an organization without an account of its own uses the
/// global ones. No credentials get 401 with a Basic challenge before anything is read; then the JSON body is read
/// once, within the webhook limit, and wrong credentials (or none configured) get 403 before anything is stored; a
/// body that is too large gets 413, one that is not a JSON object 400 (once the credentials are right). The event is
/// kept as a <see cref="BandwidthEvent"/>, and the account that signed in for the BXML to name
/// (<see cref="SignedInAs"/>). Every refusal carries the endpoint's BXML, never a 5xx.
/// </summary>
public sealed class BandwidthCallbackFilter(
    ProviderCredentials credentials, PhoneNormalizer phones, ILogger<BandwidthCallbackFilter> log) : IEndpointFilter
{
    private static readonly object AccountKey = new();

    /// <summary>The account whose callback credentials this webhook signed in with.</summary>
    public static BandwidthOptions? SignedInAs(HttpContext http) => http.Items[AccountKey] as BandwidthOptions;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        AnswerBudgetFilter.MarkStart(http);
        var request = http.Request;
        var fallback = http.GetEndpoint()?.Metadata.GetMetadata<WebhookFallback>()?.Document ?? WebhookFallback.Hangup;

        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            log.LogWarning("Refused a webhook to {Path} without Basic credentials", request.Path);
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"Switchboard\"";
            return Answer(fallback, StatusCodes.Status401Unauthorized);
        }

        var (read, status) = await ReadAsync(request);
        var callId = long.TryParse(request.RouteValues["callId"]?.ToString(), out var id) ? id : (long?)null;
        var account = await credentials.BandwidthForWebhookAsync(
            callId, phones.NormalizeOrNull(read?.To), http.RequestAborted);
        if (!SignsIn(header, account))
        {
            log.LogWarning("Refused a webhook to {Path} with wrong Basic credentials", request.Path);
            return Answer(fallback, StatusCodes.Status403Forbidden);
        }

        if (read is null)
        {
            log.LogWarning(
                "Refused a webhook to {Path} whose JSON body cannot be read ({Status})", request.Path, status);
            return Answer(fallback, status);
        }

        BandwidthEvent.Keep(http, read);
        http.Items[AccountKey] = account;
        return await next(context);
    }

    private static bool SignsIn(AuthenticationHeaderValue header, BandwidthOptions? account)
    {
        if (account is not { CallbackUsername: { Length: > 0 } user, CallbackPassword: { Length: > 0 } password })
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromBase64String(header.Parameter ?? "");
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = Encoding.UTF8.GetBytes($"{user}:{password}");
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    private static async Task<(BandwidthEvent? Read, int Status)> ReadAsync(HttpRequest request)
    {
        if (!request.HasJsonContentType())
        {
            return (null, StatusCodes.Status400BadRequest);
        }

        try
        {
            using var body = new MemoryStream();
            var buffer = new byte[8192];
            int n;
            while ((n = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
            {
                if (body.Length + n > RequestLimits.MaxWebhookBodyBytes)
                {
                    return (null, StatusCodes.Status413PayloadTooLarge);
                }

                body.Write(buffer, 0, n);
            }

            using var json = JsonDocument.Parse(
                body.ToArray(), new JsonDocumentOptions { MaxDepth = RequestLimits.JsonMaxDepth });
            return json.RootElement.ValueKind == JsonValueKind.Object
                ? (BandwidthEvent.Read(json.RootElement), StatusCodes.Status200OK)
                : (null, StatusCodes.Status400BadRequest);
        }
        catch (Exception e) when (RequestLimits.IsOverLimit(e))
        {
            return (null, StatusCodes.Status413PayloadTooLarge);
        }
        // InvalidOperationException: a string escaped into invalid UTF-16 (a lone surrogate) cannot be read.
        catch (Exception e) when (e is JsonException or IOException or BadHttpRequestException
            or InvalidOperationException)
        {
            return (null, StatusCodes.Status400BadRequest);
        }
    }

    private static IResult Answer(string fallback, int status) =>
        TypedResults.Text(fallback, Bxml.ContentType, statusCode: status);
}
