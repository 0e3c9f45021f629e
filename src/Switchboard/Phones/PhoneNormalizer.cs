using Microsoft.Extensions.Options;
using PhoneNumbers;

namespace Switchboard.Phones;

/// <summary>Turns any common written form of a phone number into E.164, with libphonenumber.</summary>
public sealed class PhoneNormalizer(IOptions<SwitchboardOptions> options)
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private readonly string _region = options.Value.DefaultRegion;

    /// <summary>
    /// Accepts numbers whose length fits their country's plan. Ranges that the bundled metadata does not
    /// know yet (and fictional 555 numbers) are accepted, as the provider accepts them.
    /// </summary>
    public bool TryNormalize(string? input, out string e164)
    {
        e164 = "";
        if (string.IsNullOrWhiteSpace(input) || input.Length > 40)
        {
            return false;
        }

        try
        {
            var parsed = Util.Parse(input, _region);
            if (Util.IsPossibleNumberWithReason(parsed) != PhoneNumberUtil.ValidationResult.IS_POSSIBLE)
            {
                return false;
            }

            e164 = Util.Format(parsed, PhoneNumberFormat.E164);
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    public string? NormalizeOrNull(string? input) => TryNormalize(input, out var e164) ? e164 : null;
}
