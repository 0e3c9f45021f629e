using Microsoft.Extensions.Options;
using PhoneNumbers;

namespace Switchboard.Phones;

/// <summary>
/// How people read a stored (E.164) number: in their own country's national format, "(415) 555-0150", and a
/// number of another country in international format. The organization's region is Switchboard's region.
/// </summary>
public sealed class PhoneDisplay(IOptions<SwitchboardOptions> options)
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private readonly string _region = options.Value.DefaultRegion;

    /// <summary>The number as written at home; anything else (a masked "***0150") is shown as it is.</summary>
    public string Show(string number)
    {
        if (!IsFull(number))
        {
            return number;
        }

        try
        {
            var parsed = Util.Parse(number, _region);
            return parsed.CountryCode == Util.GetCountryCodeForRegion(_region)
                ? Util.Format(parsed, PhoneNumberFormat.NATIONAL)
                : Util.Format(parsed, PhoneNumberFormat.INTERNATIONAL);
        }
        catch (NumberParseException)
        {
            return number;
        }
    }

    public static bool IsFull(string number) => number.StartsWith('+');
}
