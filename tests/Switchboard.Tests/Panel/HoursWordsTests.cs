using Switchboard.Admin;
using Switchboard.Panel;

namespace Switchboard.Tests.Panel;

/// <summary>The hours page's sentences: the week at a glance and open or closed now, in the hours' own zone.</summary>
public sealed class HoursWordsTests
{
    private static readonly HoursBody NewYork = new(
        "America/New_York",
        [
            .. new[] { "monday", "tuesday", "wednesday", "thursday", "friday" }
                .Select(d => new WeeklyHoursBody(d, "09:00", "17:00")),
            new WeeklyHoursBody("saturday", "14:00", "16:00"),
            new WeeklyHoursBody("saturday", "10:00", "12:00"),
        ],
        [new HoursExceptionBody("2026-12-25", true, null, null)],
        new AfterHoursBody("message", null));

    private static DateTime Utc(int month, int day, int hour) => new(2026, month, day, hour, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Week_GroupsDaysWithTheSameWindows()
    {
        Assert.Equal(
            "Monday–Friday 09:00–17:00; Saturday 10:00–12:00, 14:00–16:00; Sunday closed (America/New_York); "
            + "1 special date",
            HoursWords.Week(NewYork));
    }

    [Theory]
    [InlineData(11, 24, 12, "Closed now — opens at 09:00 (America/New_York)")]       // Tuesday 07:00
    [InlineData(11, 24, 15, "Open now — closes at 17:00 (America/New_York)")]        // Tuesday 10:00
    [InlineData(11, 27, 23, "Closed now — opens Saturday 10:00 (America/New_York)")] // Friday 18:00
    [InlineData(12, 24, 23, "Closed now — opens Saturday 10:00 (America/New_York)")] // Thursday; Christmas closed
    public void Now_SaysOpenOrClosedAndWhenThatChanges(int month, int day, int hour, string expected) =>
        Assert.Equal(expected, HoursWords.Now(NewYork, Utc(month, day, hour)));

    [Fact]
    public void Now_WithoutHours_IsOpenAtAnyHour() =>
        Assert.Equal(
            "Open now — no hours are set, so calls are taken at any hour", HoursWords.Now(null, Utc(11, 24, 3)));
}
