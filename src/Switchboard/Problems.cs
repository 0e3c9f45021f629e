using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Kernel;

namespace Switchboard;

/// <summary>RFC 7807 answers, each naming what was wrong.</summary>
public static class Problems
{
    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [message] },
            title: $"{field}: {message}");

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request has invalid fields");

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No such {what}");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    /// <summary>A refused admin change: 400 naming the fields, 404, 409 or 403.</summary>
    public static ProblemHttpResult For(Refusal refusal) => refusal switch
    {
        Refusal.Invalid { Errors.Count: 1 } invalid =>
            Validation(invalid.Errors, $"{invalid.Errors.First().Key}: {invalid.Errors.First().Value[0]}"),
        Refusal.Invalid invalid => Validation(invalid.Errors, "The request has invalid fields"),
        Refusal.Missing missing => NotFound(missing.What),
        Refusal.Taken taken => Conflict(taken.Title, taken.Detail),
        Refusal.Forbidden forbidden => Forbidden(forbidden.Detail),
        Refusal.Unavailable unavailable => Conflict(unavailable.Title, unavailable.Detail),
        Refusal.Upstream upstream => TypedResults.Problem(
            statusCode: upstream.Status,
            title: upstream.Title,
            detail: upstream.Detail,
            extensions: upstream.CallId is { } callId ? new Dictionary<string, object?> { ["callId"] = callId } : null),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };

    private static ProblemHttpResult Validation(IReadOnlyDictionary<string, string[]> errors, string title) =>
        TypedResults.Problem(
            new HttpValidationProblemDetails(errors.ToDictionary())
            {
                Status = StatusCodes.Status400BadRequest,
                Title = title,
            });
}
