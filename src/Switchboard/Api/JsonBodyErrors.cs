using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Switchboard.Api;

/// <summary>
/// A request body the framework cannot bind becomes a problem answer with the framework's status: for
/// JSON that is malformed or of the wrong type, a 400 naming the offending field (from the JSON path).
/// </summary>
public sealed class JsonBodyErrors : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        if (bad.StatusCode != StatusCodes.Status400BadRequest)
        {
            await TypedResults.Problem(statusCode: bad.StatusCode, title: bad.Message).ExecuteAsync(http);
            return true;
        }

        var field = bad.InnerException is JsonException { Path: { Length: > 2 } path } ? path.TrimStart('$', '.') : "body";
        var message = bad.InnerException is JsonException ? "is not valid JSON of the expected type" : bad.Message;
        await Problems.Invalid(field, message).ExecuteAsync(http);
        return true;
    }
}
