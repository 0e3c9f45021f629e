using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Switchboard.Api;

/// <summary>
/// A body that is not the JSON an endpoint expects becomes a 400 problem naming the offending field
/// (from the JSON path), instead of the framework's bare 400.
/// </summary>
public sealed class JsonBodyErrors : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var field = bad.InnerException is JsonException { Path: { Length: > 2 } path } ? path.TrimStart('$', '.') : "body";
        var message = bad.InnerException is JsonException ? "is not valid here (wrong type or malformed JSON)" : bad.Message;
        await Problems.Invalid(field, message).ExecuteAsync(http);
        return true;
    }
}
