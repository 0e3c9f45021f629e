using System.Text.Json;

namespace Switchboard.Kernel;

/// <summary>Enums travel as their camelCase names ("lastAgent"), never as numbers.</summary>
internal static class EnumNames
{
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static bool TryParse<TEnum>(string? text, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(Name(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    public static string Allowed<TEnum>() where TEnum : struct, Enum =>
        "must be one of " + string.Join(", ", Enum.GetValues<TEnum>().Select(v => $"\"{Name(v)}\""));
}
