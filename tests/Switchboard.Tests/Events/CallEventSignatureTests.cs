using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Observability;
using Switchboard.Events;

namespace Switchboard.Tests.Events;

public sealed class CallEventSignatureTests
{
    [Fact]
    public void Compute_IsHexHmacSha256OfTimestampDotBody()
    {
        var expected = Convert.ToHexStringLower(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes("secret"), Encoding.UTF8.GetBytes("1764000000.{\"a\":1}")));

        Assert.Equal("v1=" + expected, CallEventSignature.Compute("secret", 1764000000, "{\"a\":1}"));
    }

    [Fact]
    public void NewSecret_IsLongRandomAndUrlSafe()
    {
        var one = CallEventSignature.NewSecret();

        Assert.NotEqual(one, CallEventSignature.NewSecret());
        Assert.True(one.Length >= 40);
        Assert.DoesNotContain(one, c => c is '+' or '/' or '=');
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(5, 80)]
    [InlineData(20, 3600)]
    public void Backoff_DoublesFromFiveSecondsUpToAnHourWithJitter(int attempt, int fullSeconds)
    {
        var sender = new CallEventSender(
            new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(),
            null!,
            Options.Create(new SwitchboardOptions()),
            new SwitchboardMetrics(
                new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()),
            new FakeTimeProvider(),
            null!,
            NullLogger<CallEventSender>.Instance);

        var pauses = Enumerable.Range(0, 50).Select(_ => sender.Backoff(attempt).TotalSeconds).ToList();

        Assert.All(pauses, p => Assert.InRange(p, fullSeconds * 0.5, fullSeconds));
        Assert.True(pauses.Distinct().Count() > 1, "no jitter");
    }
}
