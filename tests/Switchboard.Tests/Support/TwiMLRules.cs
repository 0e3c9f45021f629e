using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Switchboard.Tests.Support;

/// <summary>
/// What Twilio documents of the TwiML Switchboard answers, checked on every answer the test provider receives:
/// a <c>Dial</c> rings at most ten <c>Number</c> nouns at once (the first to pick up is connected, the rest are hung
/// up), its <c>timeout</c> is 5–600 seconds, each number is E.164 and each screening <c>url</c> is absolute.
/// </summary>
public static partial class TwiMLRules
{
    public const int MaxNumbersPerDial = 10;

    /// <summary>The broken rules of a TwiML document; empty when it keeps them all.</summary>
    public static IReadOnlyList<string> Broken(string body)
    {
        var broken = new List<string>();
        var root = XDocument.Parse(body).Root;
        if (root?.Name.LocalName != "Response")
        {
            return ["the document is not a <Response>"];
        }

        foreach (var dial in root.Descendants("Dial"))
        {
            var numbers = dial.Elements("Number").ToList();
            if (numbers.Count > MaxNumbersPerDial)
            {
                broken.Add($"a <Dial> holds {numbers.Count} <Number> nouns; Twilio rings at most {MaxNumbersPerDial}");
            }

            if (dial.Attribute("timeout")?.Value is { } timeout
                && (!int.TryParse(timeout, out var seconds) || seconds is < 5 or > 600))
            {
                broken.Add($"<Dial timeout=\"{timeout}\"> is not 5 to 600 seconds");
            }

            foreach (var number in numbers)
            {
                if (!E164().IsMatch(number.Value))
                {
                    broken.Add("a <Number> is not in E.164");
                }

                if (number.Attribute("url")?.Value is { } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
                {
                    broken.Add($"<Number url=\"{url}\"> is not an absolute URL");
                }
            }
        }

        return broken;
    }

    /// <summary>Throws when the document breaks a documented rule, so that the test making the call fails.</summary>
    public static void Check(string body)
    {
        if (Broken(body) is { Count: > 0 } broken)
        {
            throw new InvalidOperationException("TwiML Twilio would not accept: " + string.Join("; ", broken));
        }
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();
}
