using Microsoft.Extensions.Options;

namespace Switchboard.Twilio;

/// <summary>
/// Refuses (403) any webhook whose X-Twilio-Signature does not match, before anything is read or stored;
/// and turns any failure behind a valid signature into the endpoint's fallback TwiML instead of a 5xx.
/// </summary>
public sealed class TwilioSignatureFilter(IOptions<SwitchboardOptions> options, CallbackUrls urls, ILogger<TwilioSignatureFilter> log) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var request = http.Request;
        var fallback = http.GetEndpoint()?.Metadata.GetMetadata<TwiMLFallback>()?.Document ?? TwiML.Hangup();

        if (!await IsSignedAsync(request))
        {
            log.LogWarning("Refused a webhook to {Path} without a valid X-Twilio-Signature", request.Path);
            return TypedResults.Text("Invalid X-Twilio-Signature", "text/plain", statusCode: StatusCodes.Status403Forbidden);
        }

        try
        {
            return await next(context);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            log.LogError(e, "Webhook {Path} failed; answering the caller politely instead", request.Path);
            return TypedResults.Text(fallback, TwiML.ContentType);
        }
    }

    private async Task<bool> IsSignedAsync(HttpRequest request)
    {
        var authToken = options.Value.Twilio.AuthToken;
        if (string.IsNullOrEmpty(authToken) || !request.HasFormContentType)
        {
            return false;
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return false;
        }

        var url = urls.BaseUrl + request.Path + request.QueryString;
        var pairs = form.SelectMany(field => field.Value.Select(value => KeyValuePair.Create(field.Key, value ?? "")));
        return TwilioSignature.IsValid(authToken, url, pairs, request.Headers["X-Twilio-Signature"]);
    }
}
