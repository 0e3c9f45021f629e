using System.Net;
using Switchboard.Network;

namespace Switchboard.Tests.Network;

public sealed class NetworkGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.254")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.0.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.100.100.200")]
    [InlineData("100.127.255.254")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("255.255.255.255")]
    [InlineData("168.63.129.16")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a00:1")]
    public void IsBlocked_AddressOfAnInternalRange_True(string address) =>
        Assert.True(NetworkGuard.IsBlocked(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("11.0.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void IsBlocked_PublicAddress_False(string address) =>
        Assert.False(NetworkGuard.IsBlocked(IPAddress.Parse(address)));

    [Fact]
    public void IsAllowed_AddressInAnAllowedNetwork_True()
    {
        var guard = new NetworkGuard(
            new DnsHostResolver(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<NetworkGuard>.Instance);

        Assert.True(guard.IsAllowed(IPAddress.Parse("10.20.3.4"), ["10.20.0.0/16"]));
        Assert.True(guard.IsAllowed(IPAddress.Parse("::ffff:10.20.3.4"), ["10.20.0.0/16"]));
        Assert.False(guard.IsAllowed(IPAddress.Parse("10.21.3.4"), ["10.20.0.0/16"]));
        Assert.False(guard.IsAllowed(IPAddress.Parse("127.0.0.1"), []));
    }
}
