using Switchboard.Telnyx;

namespace Switchboard.Tests.Telnyx;

/// <summary>
/// The media link in Telnyx's answer about a recording is followed only to Telnyx's storage hosts or the API's own
/// host: never to a host a hostile or mistaken answer names, where the audio request would leak what it carries.
/// </summary>
public sealed class TelnyxRestTests
{
    private const string Api = "https://api.telnyx.com";

    [Theory]
    [InlineData("https://s3.amazonaws.com/telephony-recorder-prod/abc.mp3?X-Amz-Signature=1")]
    [InlineData("https://recordings.telnyx.com/abc.mp3")]
    [InlineData("https://api.telnyx.com/v2/recordings/abc/download")]
    public void IsTelnyxMedia_TelnyxStorageOrTheApisHost_Followed(string link) =>
        Assert.True(TelnyxRest.IsTelnyxMedia(link, Api, out _));

    [Theory]
    [InlineData("https://recording.example.org/abc.mp3")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://s3.amazonaws.com/telephony-recorder-prod/abc.mp3")]
    [InlineData("https://user:pass@recordings.telnyx.com/abc.mp3")]
    [InlineData("https://telnyx.com.example.org/abc.mp3")]
    [InlineData("/v2/recordings/abc")]
    [InlineData("")]
    [InlineData(null)]
    public void IsTelnyxMedia_AnyOtherHost_NotFollowed(string? link) =>
        Assert.False(TelnyxRest.IsTelnyxMedia(link, Api, out _));

    [Fact]
    public void IsTelnyxMedia_ARegionalOrTestApi_ItsOwnHostOnly()
    {
        Assert.True(TelnyxRest.IsTelnyxMedia("http://127.0.0.1:5001/bucket/a.mp3", "http://127.0.0.1:5001", out _));
        Assert.False(TelnyxRest.IsTelnyxMedia("http://127.0.0.1:5002/bucket/a.mp3", "http://127.0.0.1:5001", out _));
    }
}
