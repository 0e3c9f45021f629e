using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Kernel;

namespace Switchboard.Api;

/// <summary>Turns what the shared admin services answer into HTTP answers.</summary>
internal static class AdminAnswers
{
    public static Results<Ok<T>, ProblemHttpResult> Ok<T>(Answer<T> answer) =>
        answer.Done ? TypedResults.Ok(answer.Value) : Problems.For(answer.Refusal);

    public static Results<Created<T>, ProblemHttpResult> Created<T>(Answer<T> answer, Func<T, string> location) =>
        answer.Done ? TypedResults.Created(location(answer.Value!), answer.Value) : Problems.For(answer.Refusal);

    public static Results<NoContent, ProblemHttpResult> NoContent(Refusal? refusal) =>
        refusal is null ? TypedResults.NoContent() : Problems.For(refusal);
}
