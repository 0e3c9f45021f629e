using Switchboard.Reports;

namespace Switchboard.Tests.Reports;

public sealed class CallReportCsvTests
{
    [Theory]
    [InlineData("Alice", "Alice")]
    [InlineData("Smith, Jo", "\"Smith, Jo\"")]
    [InlineData("Jo \"JJ\" Smith", "\"Jo \"\"JJ\"\" Smith\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("+15550100", "'+15550100")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tTab", "'\tTab")]
    [InlineData("\rCR", "\"'\rCR\"")]
    [InlineData("=A1,B1", "\"'=A1,B1\"")]
    [InlineData("Ann-Marie = boss", "Ann-Marie = boss")]
    [InlineData("", "")]
    public void Field_Value_IsQuotedAndNeutralised(string value, string expected) =>
        Assert.Equal(expected, CallReportCsv.Field(value));

    [Theory]
    [InlineData(new double[0], null)]
    [InlineData(new[] { 7.0 }, 7.0)]
    [InlineData(new[] { 9.0, 1.0, 5.0 }, 5.0)]
    [InlineData(new[] { 8.0, 4.0 }, 6.0)]
    [InlineData(new[] { 1.0, 2.0, 3.0, 100.0 }, 2.5)]
    [InlineData(new[] { 1.02, 1.10 }, 1.1)]
    public void Median_Values_IsTheMiddleToATenth(double[] values, double? expected) =>
        Assert.Equal(expected, CallReports.Median(values));
}
