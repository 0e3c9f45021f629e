using System.Diagnostics.CodeAnalysis;

namespace Switchboard.Kernel;

/// <summary>
/// Why an admin's change or question was turned down. The admin API answers it as a problem; the panel shows
/// it beside the field it names.
/// </summary>
public abstract record Refusal
{
    public static Invalid OnField(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>Messages per field, e.g. <c>forwardTo: "+1 555 0100 is not a valid phone number"</c>.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : Refusal;

    public sealed record Missing(string What) : Refusal;

    /// <summary>The value of <paramref name="Field"/> is already someone else's.</summary>
    public sealed record Taken(string Field, string Title, string Detail) : Refusal;

    public sealed record Forbidden(string Detail) : Refusal;

    /// <summary>
    /// The request is fine, but what it needs is not there now (an inactive agent, a number given up).
    /// </summary>
    public sealed record Unavailable(string Title, string Detail) : Refusal;

    /// <summary>
    /// Something outside Switchboard turned it down or could not be reached (the telephony provider):
    /// <paramref name="Status"/> is 502, 503 or 504, <paramref name="CallId"/> the call record that tells the rest.
    /// </summary>
    public sealed record Upstream(int Status, string Title, string Detail, long? CallId = null) : Refusal;
}

/// <summary>What an admin service answers: the value, or the refusal.</summary>
public sealed class Answer<T>
{
    private Answer(T? value, Refusal? refusal)
    {
        Value = value;
        Refusal = refusal;
    }

    public T? Value { get; }

    public Refusal? Refusal { get; }

    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool Done => Refusal is null;

    public static implicit operator Answer<T>(T value) => new(value, null);

    public static implicit operator Answer<T>(Refusal refusal) => new(default, refusal);
}

/// <summary>Checks shared by every admin form: required, bounded names.</summary>
internal static class Names
{
    public static string? Problem(string? value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? "is required"
        : value.Trim().Length > maxLength ? $"must be at most {maxLength} characters"
        : value.Any(char.IsControl) ? "must not contain control characters"
        : null;
}
