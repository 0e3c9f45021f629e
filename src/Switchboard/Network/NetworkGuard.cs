using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.Network;

/// <summary>
/// Resolves a host name to its addresses; a seam so that tests can play DNS (e.g. a name that changes its answer).
/// </summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}

public sealed class DnsHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Dns.GetHostAddressesAsync(host, ct);
}

/// <summary>
/// The connect-time check refused every address of the host; the deliveries list says only
/// <see cref="NetworkGuard.Refused"/>.
/// </summary>
public sealed class AddressNotAllowedException() : Exception(NetworkGuard.Refused);

/// <summary>
/// Keeps URLs that organizations control (the events URL, and any other that Switchboard fetches for them) away from
/// the operator's own network: loopback, private, link-local, carrier-grade NAT, unique-local, multicast, unspecified
/// and cloud metadata addresses are refused, unless an operator allowed the network (CIDRs). Checked twice: when the
/// URL is saved (on what its host resolves to then) and when a connection is made (on the address actually dialled,
/// so that a name re-pointed at 127.0.0.1 after it was saved is still refused).
/// </summary>
public sealed class NetworkGuard(IHostResolver resolver, ILogger<NetworkGuard> log)
{
    public const string Refused = "refused: address not allowed";

    public const string UrlRefused =
        "must point to a public address (loopback, private, link-local, shared, " +
        "multicast and metadata addresses are refused)";

    private static readonly TimeSpan SaveTimeLookup = TimeSpan.FromSeconds(3);

    private static readonly IPNetwork[] Blocked =
    [
        IPNetwork.Parse("0.0.0.0/8"),          // "this network", unspecified
        IPNetwork.Parse("10.0.0.0/8"),         // RFC 1918
        IPNetwork.Parse("100.64.0.0/10"),      // carrier-grade NAT (also Alibaba's metadata, 100.100.100.200)
        IPNetwork.Parse("127.0.0.0/8"),        // loopback
        IPNetwork.Parse("169.254.0.0/16"),     // link-local (AWS, GCP, Azure, Oracle metadata: 169.254.169.254)
        IPNetwork.Parse("172.16.0.0/12"),      // RFC 1918
        IPNetwork.Parse("192.0.0.0/24"),       // IETF protocol assignments
        IPNetwork.Parse("192.168.0.0/16"),     // RFC 1918
        IPNetwork.Parse("198.18.0.0/15"),      // benchmarking, used inside data centres
        IPNetwork.Parse("168.63.129.16/32"),   // Azure's host endpoint (metadata and DNS)
        IPNetwork.Parse("224.0.0.0/4"),        // multicast
        IPNetwork.Parse("240.0.0.0/4"),        // reserved, and broadcast
        IPNetwork.Parse("::/128"),             // unspecified
        IPNetwork.Parse("::1/128"),            // loopback
        IPNetwork.Parse("fc00::/7"),           // unique-local (AWS's IPv6 metadata fd00:ec2::254 among them)
        IPNetwork.Parse("fe80::/10"),          // link-local
        IPNetwork.Parse("fec0::/10"),          // site-local (deprecated, still routed by some)
        IPNetwork.Parse("ff00::/8"),           // multicast
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    private readonly ConcurrentDictionary<string, IPNetwork[]> _parsed = new();

    /// <summary>
    /// Whether Switchboard may dial the address for an organization: a public one, or one in an allowed network.
    /// </summary>
    public bool IsAllowed(IPAddress address, IEnumerable<string> allowedNetworks)
    {
        var candidate = Unwrapped(address);
        return !IsBlocked(candidate) || Parse(allowedNetworks).Any(n => n.Contains(candidate) || n.Contains(address));
    }

    public static bool IsBlocked(IPAddress address)
    {
        var candidate = Unwrapped(address);
        return Blocked.Any(n => n.Contains(candidate));
    }

    /// <summary>
    /// The save-time check of a URL already known to be an absolute http(s) URL: null when its host is, or resolves
    /// only to, allowed addresses. A name that does not resolve now is let through: the connect-time check decides.
    /// </summary>
    public async Task<string?> UrlProblemAsync(Uri url, IEnumerable<string> allowedNetworks, CancellationToken ct)
    {
        var host = url.IdnHost.Trim('[', ']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            using var lookup = CancellationTokenSource.CreateLinkedTokenSource(ct);
            lookup.CancelAfter(SaveTimeLookup);
            try
            {
                addresses = await resolver.ResolveAsync(host, lookup.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                return null;
            }
        }

        return addresses.All(a => IsAllowed(a, allowedNetworks)) ? null : UrlRefused;
    }

    /// <summary>
    /// The handler for a named HttpClient that fetches organizations' URLs: it never follows redirects, ignores any
    /// proxy (the check must see the real destination) and dials only allowed addresses of the host.
    /// </summary>
    public SocketsHttpHandler Handler(Func<IEnumerable<string>> allowedNetworks) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, allowedNetworks(), ct),
    };

    private async ValueTask<Stream> ConnectAsync(
        DnsEndPoint endPoint,
        IEnumerable<string> allowedNetworks,
        CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(endPoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await resolver.ResolveAsync(endPoint.Host, ct);
        var allowed = addresses.Where(a => IsAllowed(a, allowedNetworks)).Select(Unwrapped).ToArray();
        if (allowed.Length == 0)
        {
            log.LogWarning("Refused a connection to {Host}: no address it resolves to is allowed", endPoint.Host);
            throw new AddressNotAllowedException();
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The IPv4 address inside an IPv4-mapped or NAT64 IPv6 address, so that ::ffff:127.0.0.1 is loopback too.
    /// </summary>
    private static IPAddress Unwrapped(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && Nat64.Contains(address))
        {
            return new IPAddress(address.GetAddressBytes()[12..]);
        }

        return address;
    }

    private IPNetwork[] Parse(IEnumerable<string> networks) =>
        _parsed.GetOrAdd(
            string.Join(',', networks),
            key => key.Length == 0 ? [] : key.Split(',').Select(ParseNetwork).ToArray());

    private static IPNetwork ParseNetwork(string cidr) =>
        IPNetwork.TryParse(cidr.Trim(), out var network)
            ? network
            : IPAddress.TryParse(cidr.Trim(), out var single)
                ? new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
                : throw new InvalidOperationException(
                    $"Switchboard:…:AllowedNetworks: '{cidr}' is not a CIDR such as 10.20.0.0/16");
}

/// <summary>How a named HttpClient that fetches organizations' URLs is set up.</summary>
public static class NetworkGuardSetup
{
    public static IServiceCollection AddNetworkGuard(this IServiceCollection services)
    {
        services.AddSingleton<IHostResolver, DnsHostResolver>();
        services.AddSingleton<NetworkGuard>();
        return services;
    }

    /// <summary>
    /// The client's primary handler is the guard's; <paramref name="allowedNetworks"/> reads the operator's allow-list
    /// for this use.
    /// </summary>
    public static IHttpClientBuilder UseNetworkGuard(
        this IHttpClientBuilder builder,
        Func<SwitchboardOptions, IEnumerable<string>> allowedNetworks) =>
        builder.ConfigurePrimaryHttpMessageHandler(services =>
        {
            var options =
                services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<SwitchboardOptions>>();
            return services.GetRequiredService<NetworkGuard>().Handler(() => allowedNetworks(options.CurrentValue));
        });
}
