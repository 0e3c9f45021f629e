using NodaTime;
using Switchboard.Routing;

namespace Switchboard.Tests.Routing;

/// <summary>B7: opening hours in an IANA zone, on the 2026 US daylight-saving changes (8 March, 1 November).</summary>
public sealed class OpeningHoursTests
{
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];

    private static OpeningHours WeekdaysNineToFive(params DateException[] exceptions) => new()
    {
        TimeZone = NewYork,
        Weekly = [.. new[]
        {
            IsoDayOfWeek.Monday,
            IsoDayOfWeek.Tuesday,
            IsoDayOfWeek.Wednesday,
            IsoDayOfWeek.Thursday,
            IsoDayOfWeek.Friday,
        }
            .Select(d => new WeeklyOpening(d, new LocalTime(9, 0), new LocalTime(17, 0)))],
        Exceptions = exceptions,
        AfterHours = new AfterHours(AfterHoursMode.Message, null),
    };

    private static OpeningHours Only(params WeeklyOpening[] weekly) => new()
    {
        TimeZone = NewYork, Weekly = weekly, AfterHours = new AfterHours(AfterHoursMode.Message, null),
    };

    private static DateTime Utc(int month, int day, int hour, int minute = 0) =>
        new(2026, month, day, hour, minute, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(3, 6, 14, 0, true)]   // Friday before the change, EST (UTC-5): 09:00
    [InlineData(3, 6, 13, 59, false)] // 08:59 EST
    [InlineData(3, 9, 13, 0, true)]   // Monday after the change, EDT (UTC-4): 09:00; a fixed UTC-5 would say 08:00
    [InlineData(3, 9, 12, 59, false)] // 08:59 EDT
    [InlineData(3, 9, 20, 59, true)]  // 16:59 EDT
    [InlineData(3, 9, 21, 0, false)]  // 17:00 EDT; a fixed UTC-5 would say 16:00, open
    [InlineData(10, 30, 13, 0, true)] // Friday before the change back, EDT: 09:00
    [InlineData(11, 2, 13, 0, false)] // Monday after it, EST: 08:00; a fixed UTC-4 would say 09:00
    [InlineData(11, 2, 14, 0, true)]  // 09:00 EST
    [InlineData(11, 2, 21, 59, true)] // 16:59 EST
    public void Check_AroundTheDaylightSavingChanges_UsesTheWallClock(
        int month,
        int day,
        int hour,
        int minute,
        bool open) =>
        Assert.Equal(open, WeekdaysNineToFive().Check(Utc(month, day, hour, minute)).Open);

    [Fact]
    public void Check_OpeningAcrossTheSkippedHour_LastsTwoRealHours()
    {
        // Sunday 8 March 2026: 02:00 EST becomes 03:00 EDT. Open 01:00–04:00 wall clock is 06:00Z–08:00Z.
        var hours = Only(new WeeklyOpening(IsoDayOfWeek.Sunday, new LocalTime(1, 0), new LocalTime(4, 0)));

        Assert.False(hours.Check(Utc(3, 8, 5, 59)).Open);
        Assert.True(hours.Check(Utc(3, 8, 6, 59)).Open);  // 01:59 EST
        Assert.True(hours.Check(Utc(3, 8, 7, 0)).Open);   // 03:00 EDT
        Assert.False(hours.Check(Utc(3, 8, 8, 0)).Open);  // 04:00 EDT
    }

    [Fact]
    public void Check_RepeatedHour_IsOpenBothTimesTheWallClockShowsIt()
    {
        // Sunday 1 November 2026: 01:00–02:00 happens twice (EDT, then EST). Open until 01:30.
        var hours = Only(new WeeklyOpening(IsoDayOfWeek.Sunday, new LocalTime(0, 0), new LocalTime(1, 30)));

        Assert.True(hours.Check(Utc(11, 1, 5, 15)).Open);  // 01:15 EDT
        Assert.False(hours.Check(Utc(11, 1, 5, 45)).Open); // 01:45 EDT
        Assert.True(hours.Check(Utc(11, 1, 6, 15)).Open);  // 01:15 EST
        Assert.False(hours.Check(Utc(11, 1, 6, 45)).Open); // 01:45 EST
    }

    [Fact]
    public void Check_OpeningThatCrossesMidnight_IsOpenOnTheNextDayUntilItCloses()
    {
        var hours = Only(new WeeklyOpening(IsoDayOfWeek.Friday, new LocalTime(22, 0), new LocalTime(2, 0)));

        Assert.False(hours.Check(Utc(11, 28, 2, 59)).Open); // Friday 27 Nov 21:59 EST
        Assert.True(hours.Check(Utc(11, 28, 3, 0)).Open);   // Friday 22:00
        Assert.True(hours.Check(Utc(11, 28, 6, 59)).Open);  // Saturday 01:59
        Assert.False(hours.Check(Utc(11, 28, 7, 0)).Open);  // Saturday 02:00
    }

    [Fact]
    public void Check_AfterClosingOnFriday_OpensMondayAtNine()
    {
        var check = WeekdaysNineToFive().Check(Utc(3, 6, 22, 30)); // Friday 17:30 EST

        Assert.False(check.Open);
        Assert.Equal("Monday 09:00 America/New_York", check.OpensAt);
    }

    [Fact]
    public void Check_ClosedException_ReplacesTheWeekdaysHours()
    {
        var hours = WeekdaysNineToFive(new DateException(new LocalDate(2026, 12, 25), null, null));

        var christmas = hours.Check(Utc(12, 25, 15, 0)); // Friday 10:00 EST
        Assert.False(christmas.Open);
        Assert.Equal("Monday 09:00 America/New_York", christmas.OpensAt);
        Assert.True(hours.Check(Utc(12, 24, 15, 0)).Open);
    }

    [Fact]
    public void Check_OpenException_OpensADayThatIsClosedEveryWeek()
    {
        var hours = WeekdaysNineToFive(
            new DateException(new LocalDate(2026, 12, 26), new LocalTime(10, 0), new LocalTime(14, 0)));

        Assert.True(hours.Check(Utc(12, 26, 16, 0)).Open);   // Saturday 11:00 EST
        Assert.False(hours.Check(Utc(12, 26, 19, 0)).Open);  // 14:00
        Assert.Equal("Saturday 10:00 America/New_York", hours.Check(Utc(12, 25, 23, 0)).OpensAt);
    }

    [Fact]
    public void Check_LongClosure_SaysTheDateOfTheNextOpening()
    {
        var closed = Enumerable.Range(0, 14)
            .Select(d => new DateException(new LocalDate(2026, 12, 21).PlusDays(d), null, null))
            .ToArray();

        Assert.Equal(
            "Monday 2027-01-04 09:00 America/New_York",
            WeekdaysNineToFive(closed).Check(Utc(12, 21, 12, 0)).OpensAt);
    }

    [Fact]
    public void Check_NoOpeningAtAll_IsClosedWithNothingAhead()
    {
        var check = Only().Check(Utc(3, 9, 15, 0));

        Assert.False(check.Open);
        Assert.Null(check.OpensAt);
    }

    [Fact]
    public void ClosesNext_InsideAnOpening_IsItsCloseOnTheWallClock()
    {
        // Monday 9 March 2026, the day after the change: 15:00Z is 11:00 EDT.
        Assert.Equal(new LocalDateTime(2026, 3, 9, 17, 0), WeekdaysNineToFive().ClosesNext(Utc(3, 9, 15, 0)));
        Assert.Null(WeekdaysNineToFive().ClosesNext(Utc(3, 9, 22, 0)));
    }

    [Fact]
    public void ClosesNext_OpeningsThatMeet_CloseAtTheEndOfTheLast()
    {
        var hours = Only(
            new WeeklyOpening(IsoDayOfWeek.Friday, new LocalTime(22, 0), new LocalTime(0, 0)),
            new WeeklyOpening(IsoDayOfWeek.Saturday, new LocalTime(0, 0), new LocalTime(0, 0)),
            new WeeklyOpening(IsoDayOfWeek.Sunday, new LocalTime(0, 0), new LocalTime(3, 0)));

        Assert.Equal(new LocalDateTime(2026, 11, 29, 3, 0), hours.ClosesNext(Utc(11, 28, 4, 0))); // Friday 23:00 EST
    }

    [Fact]
    public void ClosesNext_OpenAroundTheClock_HasNoClose()
    {
        var always = Only([.. Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None)
            .Select(d => new WeeklyOpening(d, new LocalTime(0, 0), new LocalTime(0, 0)))]);

        Assert.True(always.Check(Utc(3, 9, 15, 0)).Open);
        Assert.Null(always.ClosesNext(Utc(3, 9, 15, 0)));
    }

    [Fact]
    public void OpensNext_AfterClosingOnFriday_IsMondayAtNineAndNullWhileOpen()
    {
        Assert.Equal(new LocalDateTime(2026, 3, 9, 9, 0), WeekdaysNineToFive().OpensNext(Utc(3, 6, 22, 30)));
        Assert.Null(WeekdaysNineToFive().OpensNext(Utc(3, 9, 15, 0)));
    }

    private static readonly LocalDate Tuesday24November = new(2026, 11, 24);

    [Theory]
    [InlineData(2026, 11, 24, "Tuesday 09:00")]
    [InlineData(2026, 11, 30, "Monday 09:00")]
    [InlineData(2026, 12, 1, "Tuesday 2026-12-01 09:00")]
    public void When_NamesTheDayWithinAWeekAndTheDateFurther(int year, int month, int day, string expected) =>
        Assert.Equal(expected, OpeningHours.When(new LocalDateTime(year, month, day, 9, 0), Tuesday24November));
}
