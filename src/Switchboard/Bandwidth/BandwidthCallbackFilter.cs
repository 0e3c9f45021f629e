using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Switchboard.Providers;

namespace Switchboard.Bandwidth;

/// <summary>
/// Bandwidth signs in to every callback with HTTP Basic auth, using the credentials set on the Voice application
/// (and on each BXML verb Switchboard writes). Before anything is read or stored: no credentials get 401 with a
/// Basic challenge, wrong ones (or none configured) 403; then the JSON body is read once, within the webhook limit
/// (413 over it, 400 when it is not a JSON object), and kept as a <see cref="BandwidthEvent"/>. Every refusal
/// carries the endpoint's BXML, never a 5xx.
/// </summary>
public sealed class BandwidthCallbackFilter(
    ProviderCredentials credentials, ILogger<BandwidthCallbackFilter> log) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        AnswerBudgetFilter.MarkStart(http);
        var request = http.Request;
        var fallback = http.GetEndpoint()?.Metadata.GetMetadata<WebhookFallback>()?.Document ?? WebhookFallback.Hangup;

        switch (SignIn(request))
        {
            case SignedIn.Missing:
                log.LogWarning("Refused a webhook to {Path} without Basic credentials", request.Path);
                http.Response.Headers.WWWAuthenticate = "Basic realm=\"Switchboard\"";
                return Answer(fallback, StatusCodes.Status401Unauthorized);
            case SignedIn.Wrong:
                log.LogWarning("Refused a webhook to {Path} with wrong Basic credentials", request.Path);
                return Answer(fallback, StatusCodes.Status403Forbidden);
        }

        var (read, status) = await ReadAsync(request);
        if (read is null)
        {
            log.LogWarning(
                "Refused a webhook to {Path} whose JSON body cannot be read ({Status})", request.Path, status);
            return Answer(fallback, status);
        }

        BandwidthEvent.Keep(http, read);
        return await next(context);
    }

    private enum SignedIn
    {
        Yes,
        Missing,
        Wrong,
    }

    private SignedIn SignIn(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            return SignedIn.Missing;
        }

        var bandwidth = credentials.Bandwidth();
        if (bandwidth is not { CallbackUsername: { Length: > 0 } user, CallbackPassword: { Length: > 0 } password })
        {
            return SignedIn.Wrong;
        }

        byte[] given;
        try
        {
            given = Convert.FromBase64String(header.Parameter ?? "");
        }
        catch (FormatException)
        {
            return SignedIn.Wrong;
        }

        var expected = Encoding.UTF8.GetBytes($"{user}:{password}");
        return CryptographicOperations.FixedTimeEquals(given, expected) ? SignedIn.Yes : SignedIn.Wrong;
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
