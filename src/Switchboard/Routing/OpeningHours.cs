using System.Globalization;
using NodaTime;

namespace Switchboard.Routing;

public enum AfterHoursMode { Message, Voicemail, Forward }

/// <summary>One opening on a weekday; a close at or before the open crosses midnight into the next day.</summary>
public sealed record WeeklyOpening(IsoDayOfWeek Day, LocalTime Open, LocalTime Close);

/// <summary>
/// A date that replaces its weekday's openings: closed all day, or open from <c>Open</c> to <c>Close</c>.
/// </summary>
public sealed record DateException(LocalDate Date, LocalTime? Open, LocalTime? Close)
{
    public bool Closed => Open is null;
}

/// <summary>
/// What a call gets outside hours: the after-hours message, voicemail, or the after-hours number (no prompt).
/// </summary>
public sealed record AfterHours(AfterHoursMode Mode, string? ForwardTo);

/// <summary>Whether the organization, group or inbox is open now, and when it opens next.</summary>
public sealed record HoursCheck(bool Open, string? OpensAt);

/// <summary>
/// Opening hours in an IANA time zone. Times are wall-clock times in that zone, so 09:00 is 09:00 on either side of a
/// daylight-saving change; an opening that starts in the skipped hour starts when the clocks jump.
/// </summary>
public sealed record OpeningHours
{
    /// <summary>
    /// Look far enough ahead for a long closure (a campaign's summer break) without scanning forever.
    /// </summary>
    private const int DaysAhead = 400;

    public required DateTimeZone TimeZone { get; init; }
    public required IReadOnlyList<WeeklyOpening> Weekly { get; init; }
    public IReadOnlyList<DateException> Exceptions { get; init; } = [];
    public required AfterHours AfterHours { get; init; }

    public HoursCheck Check(DateTime nowUtc)
    {
        var now = Local(nowUtc);
        if (IsOpen(now))
        {
            return new HoursCheck(true, null);
        }

        return new HoursCheck(false, NextOpening(now) is { } next ? $"{When(next, now.Date)} {TimeZone.Id}" : null);
    }

    /// <summary>The wall-clock time in the zone.</summary>
    public LocalDateTime Local(DateTime nowUtc) =>
        Instant.FromDateTimeUtc(DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc)).InZone(TimeZone).LocalDateTime;

    /// <summary>When it opens next, closed now; null when open now or with no opening within the look-ahead.</summary>
    public LocalDateTime? OpensNext(DateTime nowUtc)
    {
        var now = Local(nowUtc);
        return IsOpen(now) ? null : NextOpening(now);
    }

    /// <summary>
    /// When it closes, open now. Openings that meet or overlap count as one (Monday 00:00–00:00 and Tuesday
    /// 00:00–00:00 close at the end of Tuesday). Null when closed now, or open for the whole look-ahead.
    /// </summary>
    public LocalDateTime? ClosesNext(DateTime nowUtc)
    {
        var now = Local(nowUtc);
        var limit = now.PlusDays(DaysAhead);
        var until = now;
        while (Intervals(until.Date.PlusDays(-1)).Concat(Intervals(until.Date))
            .Where(i => i.From <= until && until < i.To).Select(i => (LocalDateTime?)i.To).Max() is { } end)
        {
            if (end > limit)
            {
                return null;
            }

            until = end;
        }

        return until == now ? null : until;
    }

    /// <summary>"Monday 09:00" within a week of today, further ahead "Monday 2027-01-04 09:00".</summary>
    public static string When(LocalDateTime at, LocalDate today)
    {
        var time = at.ToString("HH:mm", CultureInfo.InvariantCulture);
        return Period.Between(today, at.Date, PeriodUnits.Days).Days < 7
            ? $"{at.DayOfWeek} {time}"
            : $"{at.DayOfWeek} {at.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} {time}";
    }

    private bool IsOpen(LocalDateTime now) =>
        Intervals(now.Date.PlusDays(-1)).Concat(Intervals(now.Date)).Any(i => i.From <= now && now < i.To);

    private LocalDateTime? NextOpening(LocalDateTime now)
    {
        for (var day = 0; day < DaysAhead; day++)
        {
            var starts = Intervals(now.Date.PlusDays(day)).Select(i => (LocalDateTime?)i.From);
            if (starts.Where(from => from > now).Min() is { } next)
            {
                return next;
            }
        }

        return null;
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
}
