using Switchboard.Accounts;
using Switchboard.Phones;

namespace Switchboard.Twilio;

/// <summary>
/// Refuses (403) any webhook whose X-Twilio-Signature does not match, before anything is read or stored (413 or 400
/// with the fallback TwiML when the form is too large or too malformed to check). The key is that of the organization
/// owning the call or the called number (<see cref="AccountDirectory"/>), so one organization's account can never drive
/// another's calls. How long a signed webhook may
/// take, and what it answers when it fails, is <see cref="AnswerBudgetFilter"/>'s.
/// </summary>
public sealed class TwilioSignatureFilter(
    AccountDirectory accounts, PhoneNormalizer phones, CallbackUrls urls, ILogger<TwilioSignatureFilter> log) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        AnswerBudgetFilter.MarkStart(http);
        var request = http.Request;
        var fallback = http.GetEndpoint()?.Metadata.GetMetadata<TwiMLFallback>()?.Document ?? TwiML.Hangup();

        Check check;
        try
        {
            check = await CheckAsync(request);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            // Whose key signs it could not be read (the database is down): the caller hears the fallback, as for any failure.
            log.LogError(e, "Webhook {Path}: the signing account could not be looked up; answering politely", request.Path);
            return TypedResults.Text(fallback, TwiML.ContentType);
        }

        switch (check)
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
        if (!request.HasFormContentType)
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

        long? callId = long.TryParse(request.RouteValues["callId"]?.ToString(), out var id) ? id : null;
        var authToken = await accounts.SigningKeyAsync(callId, phones.NormalizeOrNull(form["To"]), request.HttpContext.RequestAborted);
        if (string.IsNullOrEmpty(authToken))
        {
            return Check.NotSigned;
        }

        var url = urls.BaseUrl + request.Path + request.QueryString;
        var pairs = form.SelectMany(field => field.Value.Select(value => KeyValuePair.Create(field.Key, value ?? "")));
        return TwilioSignature.IsValid(authToken, url, pairs, request.Headers["X-Twilio-Signature"]) ? Check.Signed : Check.NotSigned;
    }
}
