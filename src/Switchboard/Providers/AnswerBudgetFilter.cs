using System.Diagnostics;
using Microsoft.Extensions.Options;
using Switchboard.Observability;

namespace Switchboard.Providers;

/// <summary>
/// Turns any failure of a signed webhook into the endpoint's fallback TwiML instead of a 5xx, including work that
/// outlasts <see cref="TwilioOptions.AnswerBudget"/> (a database that does not answer): the caller hears a polite
/// goodbye rather than the provider's "application error". Runs behind the provider's signature filter, so a
/// refused forgery is neither answered here nor counted as an answer to the provider.
/// </summary>
public sealed class AnswerBudgetFilter(
    IOptions<SwitchboardOptions> options, SwitchboardMetrics metrics, ILogger<AnswerBudgetFilter> log) : IEndpointFilter
{
    /// <summary>How long the provider waits for an answer before it gives up on a webhook.</summary>
    private static readonly TimeSpan ProviderTimeout = TimeSpan.FromSeconds(15);

    private static readonly object StartedKey = new();

    /// <summary>
    /// Marks when the provider's wait began: the signature filter, which runs first, reads the form, and that is
    /// part of the answer time the metrics report.
    /// </summary>
    public static void MarkStart(HttpContext http) => http.Items[StartedKey] = Stopwatch.GetTimestamp();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var started = http.Items[StartedKey] as long? ?? Stopwatch.GetTimestamp();
        var request = http.Request;
        var fallbackMetadata = http.GetEndpoint()?.Metadata.GetMetadata<WebhookFallback>();
        var fallback = fallbackMetadata?.Document ?? WebhookFallback.Hangup;
        var onlyAcknowledges = fallbackMetadata?.OnlyAcknowledges == true;

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
            log.LogError(
                "Webhook {Path} outlasted its {Budget} budget; answering the caller politely instead",
                request.Path,
                answerBudget);
            if (onlyAcknowledges)
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
            catch (Exception e) when (onlyAcknowledges)
            {
                // Acknowledged, but what the provider told us was not stored: the call's record misses it.
                log.LogWarning(e, "Webhook {Path} failed after its answer; its change was not stored", request.Path);
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
            return TypedResults.Text(fallback, WebhookFallback.ContentType);
        }
        finally
        {
            await abandoned.DisposeAsync();
            // The route is the endpoint's pattern: no call id, no number in a label.
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
        response.ContentType = WebhookFallback.ContentType;
        await response.WriteAsync(twiml);
        await response.CompleteAsync();
    }
}
