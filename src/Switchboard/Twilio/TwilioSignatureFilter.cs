using Microsoft.Extensions.Options;

namespace Switchboard.Twilio;

/// <summary>
/// Refuses (403) any webhook whose X-Twilio-Signature does not match, before anything is read or stored (413 or 400
/// with the fallback TwiML when the form is too large or too malformed to check). How long a signed webhook may
/// take, and what it answers when it fails, is <see cref="AnswerBudgetFilter"/>'s.
/// </summary>
public sealed class TwilioSignatureFilter(
    IOptions<SwitchboardOptions> options, CallbackUrls urls, ILogger<TwilioSignatureFilter> log) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        AnswerBudgetFilter.MarkStart(http);
        var request = http.Request;
        var fallback = http.GetEndpoint()?.Metadata.GetMetadata<TwiMLFallback>()?.Document ?? TwiML.Hangup();

        switch (await CheckAsync(request))
        {
            case Check.TooLarge:
                log.LogWarning("Refused a webhook to {Path} larger than the limits of a provider's form", request.Path);
                return TypedResults.Text(fallback, TwiML.ContentType, statusCode: StatusCodes.Status413PayloadTooLarge);
            case Check.Unreadable:
                log.LogWarning("Refused a webhook to {Path} whose form cannot be read", request.Path);
                return TypedResults.Text(fallback, TwiML.ContentType, statusCode: StatusCodes.Status400BadRequest);
            case Check.NotSigned:
                log.LogWarning("Refused a webhook to {Path} without a valid X-Twilio-Signature", request.Path);
                return TypedResults.Text("Invalid X-Twilio-Signature", "text/plain", statusCode: StatusCodes.Status403Forbidden);
        }

        return await next(context);
    }

    private enum Check
    {
        Signed,
        NotSigned,
        Unreadable,
        TooLarge,
    }

    /// <summary>A form too large (see <see cref="RequestLimits"/>) or malformed (e.g. %00) cannot have its signature checked.</summary>
    private async Task<Check> CheckAsync(HttpRequest request)
    {
        var authToken = options.Value.Twilio.AuthToken;
        if (string.IsNullOrEmpty(authToken) || !request.HasFormContentType)
        {
            return Check.NotSigned;
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (Exception e) when (RequestLimits.IsOverLimit(e))
        {
            return Check.TooLarge;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Check.Unreadable;
        }

        var url = urls.BaseUrl + request.Path + request.QueryString;
        var pairs = form.SelectMany(field => field.Value.Select(value => KeyValuePair.Create(field.Key, value ?? "")));
        return TwilioSignature.IsValid(authToken, url, pairs, request.Headers["X-Twilio-Signature"]) ? Check.Signed : Check.NotSigned;
    }
}
