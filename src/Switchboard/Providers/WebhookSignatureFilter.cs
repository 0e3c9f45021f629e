namespace Switchboard.Providers;

/// <summary>
/// Refuses (403) any webhook whose provider signature does not verify, before anything is read or stored (413 or 400
/// with the fallback markup when the body is too large or too malformed to check). Each provider says how its
/// signature reads (<see cref="IsSigned"/>); how long a signed webhook may take, and what it answers when it fails,
/// is <see cref="AnswerBudgetFilter"/>'s.
/// </summary>
public abstract class WebhookSignatureFilter(ILogger log) : IEndpointFilter
{
    /// <summary>The header that carries the signature, as logs name it.</summary>
    protected abstract string SignatureHeader { get; }

    /// <summary>
    /// True when the signature covers the raw body (Telnyx), which is then kept for <see cref="IsSigned"/>.
    /// </summary>
    protected virtual bool SignsRawBody => false;

    /// <summary>
    /// False when no key to verify with is configured, globally or by an organization: every webhook is then refused.
    /// </summary>
    protected abstract bool CanVerify(HttpRequest request);

    /// <summary>
    /// Whether the signature verifies with the key of the organization owning the call or the called number
    /// (<see cref="ProviderCredentials"/>).
    /// </summary>
    protected abstract Task<bool> IsSignedAsync(HttpRequest request, IFormCollection form, byte[]? rawBody);

    /// <summary>The call a webhook is about, by its id in the URL; null for a call that is just coming in.</summary>
    protected static long? CallIdOf(HttpRequest request) =>
        long.TryParse(request.RouteValues["callId"]?.ToString(), out var id) ? id : null;

    /// <summary>The answer to a webhook that is not signed: 403 with the endpoint's fallback markup.</summary>
    protected virtual IResult Refuse(string fallback) =>
        TypedResults.Text(fallback, WebhookFallback.ContentType, statusCode: StatusCodes.Status403Forbidden);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        AnswerBudgetFilter.MarkStart(http);
        var request = http.Request;
        var fallback = http.GetEndpoint()?.Metadata.GetMetadata<WebhookFallback>()?.Document ?? WebhookFallback.Hangup;

        Check check;
        try
        {
            check = await CheckAsync(request);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            // Whose key signs it could not be read (the database is down): the caller hears the fallback.
            log.LogError(
                e,
                "Webhook {Path}: the signing account could not be looked up; answering politely",
                request.Path);
            return TypedResults.Text(fallback, WebhookFallback.ContentType);
        }

        switch (check)
        {
            case Check.TooLarge:
                log.LogWarning("Refused a webhook to {Path} larger than the limits of a provider's form", request.Path);
                return TypedResults.Text(
                    fallback, WebhookFallback.ContentType, statusCode: StatusCodes.Status413PayloadTooLarge);
            case Check.Unreadable:
                log.LogWarning("Refused a webhook to {Path} whose form cannot be read", request.Path);
                return TypedResults.Text(
                    fallback, WebhookFallback.ContentType, statusCode: StatusCodes.Status400BadRequest);
            case Check.NotSigned:
                log.LogWarning("Refused a webhook to {Path} without a valid {Header}", request.Path, SignatureHeader);
                return Refuse(fallback);
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

    /// <summary>
    /// A form too large (see <see cref="RequestLimits"/>) or malformed (e.g. %00) cannot have its signature checked.
    /// </summary>
    private async Task<Check> CheckAsync(HttpRequest request)
    {
        if (!CanVerify(request) || !request.HasFormContentType)
        {
            return Check.NotSigned;
        }

        IFormCollection form;
        byte[]? rawBody = null;
        try
        {
            var aborted = request.HttpContext.RequestAborted;
            if (SignsRawBody)
            {
                request.EnableBuffering();
                using var copy = new MemoryStream();
                await request.Body.CopyToAsync(copy, aborted);
                rawBody = copy.ToArray();
                request.Body.Position = 0;
            }

            form = await request.ReadFormAsync(aborted);
        }
        catch (Exception e) when (RequestLimits.IsOverLimit(e))
        {
            return Check.TooLarge;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Check.Unreadable;
        }

        return await IsSignedAsync(request, form, rawBody) ? Check.Signed : Check.NotSigned;
    }
}
