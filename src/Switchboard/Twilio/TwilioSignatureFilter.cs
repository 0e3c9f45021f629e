using System.Diagnostics;
using Microsoft.Extensions.Options;
using Switchboard.Observability;

namespace Switchboard.Twilio;

/// <summary>
/// Refuses (403) any webhook whose X-Twilio-Signature does not match, before anything is read or stored (413 or 400
/// with the fallback TwiML when the form is too large or too malformed to check);
/// and turns any failure behind a valid signature into the endpoint's fallback TwiML instead of a 5xx,
/// including work that outlasts <see cref="TwilioOptions.AnswerBudget"/> (a database that does not answer).
/// </summary>
public sealed class TwilioSignatureFilter(
    IOptions<SwitchboardOptions> options, CallbackUrls urls, SwitchboardMetrics metrics, ILogger<TwilioSignatureFilter> log) : IEndpointFilter
{
    /// <summary>How long the provider waits for an answer before it gives up on a webhook.</summary>
    private static readonly TimeSpan ProviderTimeout = TimeSpan.FromSeconds(15);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        var http = context.HttpContext;
        var request = http.Request;
        var fallbackMetadata = http.GetEndpoint()?.Metadata.GetMetadata<TwiMLFallback>();
        var fallback = fallbackMetadata?.Document ?? TwiML.Hangup();

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

        var fellBack = false;
        using var budget = new CancellationTokenSource();
        var abandoned = http.RequestAborted.Register(budget.Cancel);
        UseToken(context, budget.Token);
        // On a thread of its own: Microsoft.Data.Sqlite's "async" calls run synchronously, and one sleeping out a
        // busy database would otherwise hold this thread, and the budget with it, until SQLite gives up (30 s).
        var work = Task.Run(() => next(context).AsTask());
        try
        {
            // Real time, not the app's clock: the budget is about the provider waiting on the wire.
            return await work.WaitAsync(options.Value.Twilio.AnswerBudget, http.RequestAborted);
        }
        catch (TimeoutException)
        {
            var answerBudget = options.Value.Twilio.AnswerBudget;
            log.LogError("Webhook {Path} outlasted its {Budget} budget; answering the caller politely instead", request.Path, answerBudget);
            if (fallbackMetadata?.OnlyAcknowledges == true)
            {
                // Answered: the provider closing its connection no longer says anything about this work.
                await abandoned.DisposeAsync();
                budget.CancelAfter(answerBudget < ProviderTimeout ? ProviderTimeout - answerBudget : TimeSpan.Zero);
            }
            else
            {
                await budget.CancelAsync();
            }

            await AnswerNowAsync(http.Response, fallback);
            fellBack = true;

            // Not every driver gives up at once when cancelled (SQLite sleeps out a busy database): the answer
            // is sent, but the request's services (its pooled DbContext) stay in use until the work has ended.
            try
            {
                await work;
            }
            catch (Exception e)
            {
                log.LogDebug(e, "Webhook {Path} ended after its budget", request.Path);
            }

            return Results.Empty;
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            log.LogError(e, "Webhook {Path} failed; answering the caller politely instead", request.Path);
            fellBack = true;
            return TypedResults.Text(fallback, TwiML.ContentType);
        }
        finally
        {
            await abandoned.DisposeAsync();
            // Signed webhooks only: a refused forgery is no answer to the provider. The route is the endpoint's pattern.
            var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "";
            metrics.WebhookAnswered(route, Stopwatch.GetElapsedTime(started), fellBack);
        }
    }

    /// <summary>The handler's CancellationToken argument becomes the budget's.</summary>
    private static void UseToken(EndpointFilterInvocationContext context, CancellationToken token)
    {
        for (var i = 0; i < context.Arguments.Count; i++)
        {
            if (context.Arguments[i] is CancellationToken)
            {
                context.Arguments[i] = token;
            }
        }
    }

    private static async Task AnswerNowAsync(HttpResponse response, string twiml)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = TwiML.ContentType;
        await response.WriteAsync(twiml);
        await response.CompleteAsync();
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
