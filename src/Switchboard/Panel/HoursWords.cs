using System.Globalization;
using NodaTime;
using Switchboard.Admin;
using Switchboard.Kernel;
using Switchboard.Phones;
using Switchboard.Routing;

namespace Switchboard.Panel;

/// <summary>Hours in the panel's words: open or closed now, the week at a glance, what happens after hours.</summary>
public static class HoursWords
{
    public static readonly IsoDayOfWeek[] Days =
    [
        IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday,
        IsoDayOfWeek.Friday, IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday,
    ];

    /// <summary>"Open now — closes at 17:00 (America/New_York)", "Closed now — opens Monday 09:00 (…)".</summary>
    public static string Now(HoursBody? hours, DateTime nowUtc)
    {
        if (HoursSettings.Opening(hours) is not { } opening)
        {
            return "Open now — no hours are set, so calls are taken at any hour";
        }

        var today = opening.Local(nowUtc).Date;
        var zone = opening.TimeZone.Id;
        if (opening.Check(nowUtc).Open)
        {
            return opening.ClosesNext(nowUtc) is { } closes
                ? $"Open now — closes {At(closes, today)} ({zone})"
                : $"Open now — open around the clock ({zone})";
        }

        return opening.OpensNext(nowUtc) is { } opens
            ? $"Closed now — opens {At(opens, today)} ({zone})"
            : $"Closed now — no opening ahead ({zone})";
    }

    /// <summary>"Monday–Friday 09:00–17:00; Saturday–Sunday closed (America/New_York); 2 special dates"</summary>
    public static string Week(HoursBody hours)
    {
        var perDay = Days.Select(day => (Day: day, Times: Times(hours, day))).ToList();
        var runs = new List<string>();
        for (var start = 0; start < perDay.Count;)
        {
            var end = start;
            while (end + 1 < perDay.Count && perDay[end + 1].Times == perDay[start].Times)
            {
                end++;
            }

            var days = end == start ? $"{perDay[start].Day}" : $"{perDay[start].Day}–{perDay[end].Day}";
            runs.Add($"{days} {perDay[start].Times}");
            start = end + 1;
        }

        var dates = hours.Exceptions?.Length ?? 0;
        var special = dates switch { 0 => "", 1 => "; 1 special date", _ => $"; {dates} special dates" };
        return $"{string.Join("; ", runs)} ({hours.TimeZone}){special}";
    }

    /// <summary>Hours in a sentence, with what happens after them.</summary>
    public static string Describe(HoursBody? hours, PhoneDisplay phones) => hours is null
        ? "always open (no hours are set)"
        : $"{Week(hours)}; after hours: {AfterHours(hours.AfterHours, phones)}";

    public static string AfterHours(AfterHoursBody? afterHours, PhoneDisplay phones) =>
        EnumNames.TryParse<AfterHoursMode>(afterHours?.Mode, out var mode) ? mode switch
        {
            AfterHoursMode.Voicemail => "the caller can leave a voicemail",
            AfterHoursMode.Forward => $"the call is forwarded to {phones.Show(afterHours!.ForwardTo ?? "")}",
            _ => "the caller hears the after-hours message",
        } : "the caller hears the after-hours message";

    private static string Times(HoursBody hours, IsoDayOfWeek day)
    {
        var name = day.ToString().ToLowerInvariant();
        var windows = (hours.Weekly ?? []).Where(w => w.Day == name).OrderBy(w => w.Open, StringComparer.Ordinal)
            .Select(w => $"{w.Open}–{w.Close}").ToList();
        return windows.Count == 0 ? "closed" : string.Join(", ", windows);
    }

    /// <summary>"at 17:00" today, else "Saturday 02:00" (with the date beyond a week), as routing says it.</summary>
    private static string At(LocalDateTime at, LocalDate today) =>
        at.Date == today ? $"at {at.ToString("HH:mm", CultureInfo.InvariantCulture)}" : OpeningHours.When(at, today);
}
