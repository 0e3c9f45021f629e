namespace Switchboard.Routing;

/// <summary>The languages Switchboard speaks to callers and agents.</summary>
public static class CallerLanguage
{
    public const string English = "en-US";
    public const string Spanish = "es-US";

    public static readonly IReadOnlyList<string> All = [English, Spanish];

    public static bool IsKnown(string? tag) => tag is English or Spanish;
}
