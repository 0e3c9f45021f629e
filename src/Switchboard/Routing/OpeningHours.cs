using System.Globalization;
using NodaTime;

namespace Switchboard.Routing;

public enum AfterHoursMode { Message, Voicemail, Forward }

/// <summary>One opening on a weekday; a close at or before the open crosses midnight into the next day.</summary>
public sealed record WeeklyOpening(IsoDayOfWeek Day, LocalTime Open, LocalTime Close);

/// <summary>A date that replaces its weekday's openings: closed all day, or open from <c>Open</c> to <c>Close</c>.</summary>
public sealed record DateException(LocalDate Date, LocalTime? Open, LocalTime? Close)
{
    public bool Closed => Open is null;
}

/// <summary>What a call gets outside hours: the after-hours message, voicemail, or the after-hours number (no prompt).</summary>
public sealed record AfterHours(AfterHoursMode Mode, string? ForwardTo);

/// <summary>Whether the organization, group or inbox is open now, and when it opens next.</summary>
public sealed record HoursCheck(bool Open, string? OpensAt);

/// <summary>
/// Opening hours in an IANA time zone. Times are wall-clock times in that zone, so 09:00 is 09:00 on either side of a
/// daylight-saving change; an opening that starts in the skipped hour starts when the clocks jump.
/// </summary>
public sealed record OpeningHours
{
    /// <summary>Look far enough ahead for a long closure (a campaign's summer break) without scanning forever.</summary>
    private const int DaysAhead = 400;

    public required DateTimeZone TimeZone { get; init; }
    public required IReadOnlyList<WeeklyOpening> Weekly { get; init; }
    public IReadOnlyList<DateException> Exceptions { get; init; } = [];
    public required AfterHours AfterHours { get; init; }

    public HoursCheck Check(DateTime nowUtc)
    {
        var now = Instant.FromDateTimeUtc(DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc)).InZone(TimeZone).LocalDateTime;
        var today = now.Date;
        var open = Intervals(today.PlusDays(-1)).Concat(Intervals(today)).Any(i => i.From <= now && now < i.To);
        if (open)
        {
            return new HoursCheck(true, null);
        }

        for (var day = 0; day < DaysAhead; day++)
        {
            var date = today.PlusDays(day);
            if (Intervals(date).Select(i => (LocalDateTime?)i.From).Where(from => from > now).Min() is { } next)
            {
                return new HoursCheck(false, Describe(next, day));
            }
        }

        return new HoursCheck(false, null);
    }

    /// <summary>The openings that start on a date, as wall-clock intervals (the end may be on the next day).</summary>
    private IEnumerable<(LocalDateTime From, LocalDateTime To)> Intervals(LocalDate date)
    {
        var exception = Exceptions.FirstOrDefault(e => e.Date == date);
        IEnumerable<(LocalTime Open, LocalTime Close)> openings = exception is not null
            ? exception is { Open: { } open, Close: { } close } ? [(open, close)] : []
            : Weekly.Where(w => w.Day == date.DayOfWeek).Select(w => (w.Open, w.Close));
        return openings.Select(o => (date + o.Open, (o.Close > o.Open ? date : date.PlusDays(1)) + o.Close));
    }

    private string Describe(LocalDateTime next, int daysAway)
    {
        var day = next.DayOfWeek.ToString();
        var time = next.ToString("HH:mm", CultureInfo.InvariantCulture);
        var date = next.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return daysAway < 7 ? $"{day} {time} {TimeZone.Id}" : $"{day} {date} {time} {TimeZone.Id}";
    }
}
