namespace Switchboard.Phones;

/// <summary>Personal numbers leave Switchboard (logs, API answers to others) only as their last four digits.</summary>
public static class PhoneMask
{
    public static string Mask(string? number) => number switch
    {
        null or "" => "(none)",
        { Length: <= 4 } => "****",
        _ => "***" + number[^4..],
    };
}
