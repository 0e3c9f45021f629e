using System.Text.RegularExpressions;

namespace Switchboard.Phones;

/// <summary>Personal numbers leave Switchboard (logs, API answers to others) only as their last four digits.</summary>
public static partial class PhoneMask
{
    /// <summary>Masks every phone number in a text from elsewhere (a provider's error message may quote one).</summary>
    public static string MaskAll(string text) => Numbers().Replace(text, m => Mask(m.Value));

    [GeneratedRegex(@"\+?\d{7,15}")]
    private static partial Regex Numbers();

    public static string Mask(string? number) => number switch
    {
        null or "" => "(none)",
        { Length: <= 4 } => "****",
        _ => "***" + number[^4..],
    };
}
