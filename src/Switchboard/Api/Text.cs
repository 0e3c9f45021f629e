using Microsoft.AspNetCore.Http.HttpResults;

namespace Switchboard.Api;

internal static class Text
{
    /// <summary>A required, trimmed, bounded name; the problem names the field.</summary>
    public static ValidationProblem? Invalid(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Problems.Invalid(field, "is required");
        }

        if (value.Trim().Length > maxLength)
        {
            return Problems.Invalid(field, $"must be at most {maxLength} characters");
        }

        return value.Any(c => char.IsControl(c)) ? Problems.Invalid(field, "must not contain control characters") : null;
    }
}
