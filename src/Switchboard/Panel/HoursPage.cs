using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using NodaTime.TimeZones;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel;

/// <summary>Whose hours a page edits: the organization's, a group's or an inbox's.</summary>
public enum HoursOwner { Organization, Group, Inbox }

/// <summary>One opening of a weekday as posted; both times empty is no opening (the blank row of each day).</summary>
public sealed class WindowInput
{
    public string? Day { get; set; }
    public string? Open { get; set; }
    public string? Close { get; set; }
}

/// <summary>A special date as posted: "closed" all day, or "open" from one time to another.</summary>
public sealed class DateInput
{
    public string? Date { get; set; }
    public string? Kind { get; set; }
    public string? Open { get; set; }
    public string? Close { get; set; }
}

/// <summary>
/// A page with opening hours (docs/hours.md). The form is posted flat and sent to <see cref="HoursSettings"/> as the
/// API's body, so the panel refuses exactly what the API refuses; the API's field names (<c>weekly[2].open</c>) are
/// turned back into the rows of the form they came from.
/// </summary>
public abstract partial class HoursPage(TimeProvider clock) : PanelPage
{
    public const string Closed = "closed";
    public const string OpenOnly = "open";

    private readonly List<int> _windowRows = [];
    private readonly List<int> _dateRows = [];

    /// <summary>The organization: "always" or "hours"; a group or an inbox: "followOrganization" or "own".</summary>
    [BindProperty]
    public string? Mode { get; set; }

    [BindProperty]
    public string? TimeZone { get; set; }

    [BindProperty]
    public List<WindowInput> Windows { get; set; } = [];

    [BindProperty]
    public List<DateInput> Dates { get; set; } = [];

    [BindProperty]
    public string? AfterHoursMode { get; set; }

    [BindProperty]
    public string? AfterHoursForwardTo { get; set; }

    public abstract HoursOwner Owner { get; }

    /// <summary>Open or closed now, by the hours its calls get (saved ones, not the form's).</summary>
    public string State { get; private set; } = "";

    /// <summary>For a group or an inbox: the organization's hours in words, what following them means.</summary>
    public string? OrganizationHours { get; protected set; }

    /// <summary>IANA time zones by region, the United States first.</summary>
    public static IReadOnlyList<(string Region, IReadOnlyList<string> Zones)> TimeZones { get; } = ZonesByRegion();

    /// <summary>The windows of a day in the form, with their index in <see cref="Windows"/>.</summary>
    public IEnumerable<(WindowInput Window, int Index)> WindowsOf(NodaTime.IsoDayOfWeek day) =>
        Windows.Select((w, i) => (w, i)).Where(w => string.Equals(w.w.Day, DayName(day), StringComparison.Ordinal));

    public static string DayName(NodaTime.IsoDayOfWeek day) => day.ToString().ToLowerInvariant();

    /// <summary>Whether a window as typed runs past midnight (a close at or before its open).</summary>
    public static bool CrossesMidnight(string? open, string? close) =>
        TimeSpan.TryParseExact(open, @"hh\:mm", CultureInfo.InvariantCulture, out var from)
        && TimeSpan.TryParseExact(close, @"hh\:mm", CultureInfo.InvariantCulture, out var to) && to <= from;

    /// <summary>Open or closed now; <paramref name="whose"/> follows when some hours are set.</summary>
    protected void ShowState(HoursBody? effective, string whose) =>
        State = HoursWords.Now(effective, clock.GetUtcNow().UtcDateTime) + (effective is null ? "" : whose);

    /// <summary>The organization's hours as a body; null when none are set (always open).</summary>
    protected static HoursBody? Stored(OrganizationHoursAnswer answer) => answer.TimeZone is null
        ? null
        : new HoursBody(answer.TimeZone, answer.Weekly, answer.Exceptions, answer.AfterHours);

    /// <summary>Fills the form with stored hours (or none), each day with a blank row to add a window.</summary>
    protected void Show(HoursBody? hours)
    {
        TimeZone = hours?.TimeZone;
        Windows = [.. HoursWords.Days.SelectMany(day => (hours?.Weekly ?? []).Where(w => w.Day == DayName(day))
            .OrderBy(w => w.Open, StringComparer.Ordinal)
            .Select(w => new WindowInput { Day = w.Day, Open = w.Open, Close = w.Close }))];
        Dates = [.. (hours?.Exceptions ?? []).OrderBy(e => e.Date, StringComparer.Ordinal).Select(e => new DateInput
        {
            Date = e.Date, Kind = e.Closed == true ? Closed : OpenOnly, Open = e.Open, Close = e.Close,
        })];
        AfterHoursMode = hours?.AfterHours?.Mode ?? "message";
        AfterHoursForwardTo = hours?.AfterHours?.ForwardTo;
        AddBlankRows();
    }

    /// <summary>
    /// The form as the API's body, in the order of the week and of the calendar; empty rows are left out, and the
    /// row of each entry is kept to show a refusal beside it.
    /// </summary>
    protected HoursBody Posted()
    {
        var windows = Windows.Select((window, row) => (Window: window, Row: row)).Where(w => !Blank(w.Window))
            .OrderBy(w => DayOrder(w.Window.Day))
            .ThenBy(w => w.Window.Open, StringComparer.Ordinal).ToList();
        var dates = Dates.Select((date, row) => (Date: date, Row: row)).Where(d => !Blank(d.Date))
            .OrderBy(d => d.Date.Date, StringComparer.Ordinal).ToList();
        _windowRows.Clear();
        _windowRows.AddRange(windows.Select(w => w.Row));
        _dateRows.Clear();
        _dateRows.AddRange(dates.Select(d => d.Row));

        var afterHours = new AfterHoursBody(AfterHoursMode, AfterHoursForwardTo);
        return new HoursBody(
            TimeZone,
            [.. windows.Select(w => new WeeklyHoursBody(w.Window.Day, w.Window.Open, w.Window.Close))],
            [.. dates.Select(d => d.Date.Kind == OpenOnly
                ? new HoursExceptionBody(d.Date.Date, null, d.Date.Open, d.Date.Close)
                : new HoursExceptionBody(d.Date.Date, true, null, null))],
            afterHours);
    }

    protected IActionResult Saved<T>(Answer<T> answer) => answer.Done ? SavedNow() : NotSaved(answer.Refusal);

    protected IActionResult SavedNow() => Done("Saved. The next call follows the new hours.");

    /// <summary>The refusal beside the rows and fields it names, the input kept.</summary>
    private IActionResult NotSaved(Refusal refusal)
    {
        AddBlankRows();
        if (refusal is not Refusal.Invalid invalid)
        {
            return Refused(refusal);
        }

        var errors = new Dictionary<string, string[]>();
        foreach (var (field, messages) in invalid.Errors)
        {
            var (key, label) = FormField(field);
            errors[key] = [.. messages.Select(m => Sentence(label, m))];
        }

        return Refused(new Refusal.Invalid(errors));
    }

    /// <summary>The form's field for a field of the API's body, and how to name it in a sentence.</summary>
    private (string Key, string Label) FormField(string field)
    {
        if (RowField().Match(field) is { Success: true } row)
        {
            var weekly = row.Groups["list"].Value == "weekly";
            var index = int.Parse(row.Groups["index"].Value, CultureInfo.InvariantCulture);
            var rows = weekly ? _windowRows : _dateRows;
            var prefix = $"{(weekly ? nameof(Windows) : nameof(Dates))}[{(index < rows.Count ? rows[index] : index)}]";
            return row.Groups["part"].Value switch
            {
                "open" => ($"{prefix}.Open", "The opening time"),
                "close" => ($"{prefix}.Close", "The closing time"),
                "date" => ($"{prefix}.Date", "The date"),
                "day" => ($"{prefix}.Day", "The day"),
                _ => (prefix, weekly ? "This window" : "This date"),
            };
        }

        return field switch
        {
            "timeZone" => (nameof(TimeZone), "The time zone"),
            "weekly" => (nameof(Windows), "The weekly hours"),
            "exceptions" => (nameof(Dates), "The special dates"),
            "afterHours.mode" => (nameof(AfterHoursMode), "The choice"),
            "afterHours.forwardTo" => (nameof(AfterHoursForwardTo), "The after-hours phone number"),
            "mode" => (nameof(Mode), "The choice"),
            _ => (field, "This field"),
        };
    }

    /// <summary>Without a script, a blank row per day (and one more date) is how an admin adds one.</summary>
    private void AddBlankRows()
    {
        foreach (var day in HoursWords.Days)
        {
            if (!WindowsOf(day).Any(w => Blank(w.Window)))
            {
                Windows.Add(new WindowInput { Day = DayName(day) });
            }
        }

        if (!Dates.Any(Blank))
        {
            Dates.Add(new DateInput { Kind = Closed });
        }
    }

    private static List<(string Region, IReadOnlyList<string> Zones)> ZonesByRegion()
    {
        var locations = TzdbDateTimeZoneSource.Default.ZoneLocations ?? [];
        string[] unitedStates =
        [
            "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
            "America/Anchorage", "Pacific/Honolulu",
        ];
        var moreUnitedStates = locations.Where(l => l.CountryCode == "US").Select(l => l.ZoneId)
            .Except(unitedStates).Order(StringComparer.Ordinal);
        var zones = new List<(string, IReadOnlyList<string>)>
        {
            ("United States", [.. unitedStates, .. moreUnitedStates]),
        };
        zones.AddRange(locations.Where(l => l.CountryCode != "US").Select(l => l.ZoneId).Append("UTC").Distinct()
            .GroupBy(id => id.Contains('/') ? id[..id.IndexOf('/')] : "Other")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<string>)[.. g.Order(StringComparer.Ordinal)])));
        return zones;
    }

    /// <summary>A row with nothing typed: no opening, no date.</summary>
    public static bool Blank(WindowInput window) => Empty(window.Open) && Empty(window.Close);

    public static bool Blank(DateInput date) => Empty(date.Date) && Empty(date.Open) && Empty(date.Close);

    /// <summary>Monday first; a day the form does not know goes last (and is refused by the service).</summary>
    private static int DayOrder(string? day)
    {
        var order = Array.FindIndex(HoursWords.Days, d => DayName(d) == day);
        return order < 0 ? HoursWords.Days.Length : order;
    }

    private static bool Empty(string? value) => string.IsNullOrWhiteSpace(value);

    /// <summary>The services speak of fields ("must be …"); beside a row, the panel says which part of it.</summary>
    private static string Sentence(string label, string message) =>
        message.StartsWith("is ", StringComparison.Ordinal) || message.StartsWith("must ", StringComparison.Ordinal)
            ? $"{label} {message}"
            : message;

    [GeneratedRegex(@"^(?<list>weekly|exceptions)\[(?<index>\d+)\](?:\.(?<part>\w+))?$")]
    private static partial Regex RowField();
}
