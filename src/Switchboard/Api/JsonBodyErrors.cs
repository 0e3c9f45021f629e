using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Switchboard.Api;

/// <summary>
/// A request body the framework cannot bind becomes a problem answer with the framework's status: for
/// JSON that is malformed, of the wrong type or too deep, a 400 naming the offending field (from the JSON path);
/// for a body over the size limit, Kestrel's 413 with its words, which name the limit; for an unknown charset, 415.
/// </summary>
public sealed class JsonBodyErrors : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        // A JSON body declared in a charset .NET does not know: the framework throws rather than refusing it.
        if (exception is InvalidOperationException { TargetSite.DeclaringType: var thrower }
            && thrower == typeof(HttpRequestJsonExtensions))
        {
            await TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "The body's charset is not supported; send JSON in UTF-8").ExecuteAsync(http);
            return true;
        }

        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        if (bad.StatusCode != StatusCodes.Status400BadRequest)
        {
            await TypedResults.Problem(statusCode: bad.StatusCode, title: bad.Message).ExecuteAsync(http);
            return true;
        }

        var field = bad.InnerException is JsonException { Path: { Length: > 2 } path }
            ? path.TrimStart('$', '.')
            : "body";
        var message = bad.InnerException switch
        {
            JsonException json when json.Message.Contains("depth", StringComparison.OrdinalIgnoreCase) =>
                $"nests deeper than the limit of {RequestLimits.JsonMaxDepth} levels",
            JsonException => "is not valid JSON of the expected type",
            _ => bad.Message,
        };
        await Problems.Invalid(field, message).ExecuteAsync(http);
        return true;
    }
}
