using System.Collections.Concurrent;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using Switchboard.Kernel;

namespace Switchboard.Routing;

/// <summary>
/// Opening hours as stored, one JSON column per owner (written by Admin/HoursSettings once checked):
/// <c>{timeZone, weekly: [{day, open, close}], exceptions: [{date, closed} | {date, open, close}], afterHours}</c>.
/// Routing reads the column in its one statement and parses it here; each distinct value is parsed once.
/// </summary>
public static class StoredHours
{
    private const int MaxKept = 10_000;

    private static readonly LocalTimePattern TimePattern = LocalTimePattern.CreateWithInvariantCulture("HH':'mm");
    private static readonly ConcurrentDictionary<string, OpeningHours> Parsed = new();

    /// <summary>The stored hours for the routing policy; null when none are stored (always open).</summary>
    public static OpeningHours? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        if (Parsed.TryGetValue(json, out var hours))
        {
            return hours;
        }

        var stored = JsonSerializer.Deserialize<Stored>(json, JsonSerializerOptions.Web)!;
        hours = new OpeningHours
        {
            TimeZone = DateTimeZoneProviders.Tzdb[stored.TimeZone],
            Weekly = [.. (stored.Weekly ?? []).Select(w => new WeeklyOpening(Day(w.Day), Time(w.Open), Time(w.Close)))],
            Exceptions = [.. (stored.Exceptions ?? []).Select(e => new DateException(
                LocalDatePattern.Iso.Parse(e.Date).Value,
                e.Closed == true ? null : Time(e.Open),
                e.Closed == true ? null : Time(e.Close)))],
            AfterHours = new AfterHours(
                EnumNames.TryParse<AfterHoursMode>(stored.AfterHours?.Mode, out var mode)
                    ? mode
                    : AfterHoursMode.Message,
                stored.AfterHours?.ForwardTo),
        };
        if (Parsed.Count < MaxKept)
        {
            Parsed.TryAdd(json, hours);
        }

        return hours;
    }

    /// <summary>A day as stored: "monday" … "sunday".</summary>
    private static IsoDayOfWeek Day(string? value) =>
        Enum.TryParse<IsoDayOfWeek>(value, ignoreCase: true, out var day) ? day : IsoDayOfWeek.None;

    private static LocalTime Time(string? value) => TimePattern.Parse(value ?? "").Value;

    private sealed record Stored(
        string TimeZone, StoredWeekly[]? Weekly, StoredException[]? Exceptions, StoredAfterHours? AfterHours);

    private sealed record StoredWeekly(string Day, string Open, string Close);

    private sealed record StoredException(string Date, bool? Closed, string? Open, string? Close);

    private sealed record StoredAfterHours(string? Mode, string? ForwardTo);
}
