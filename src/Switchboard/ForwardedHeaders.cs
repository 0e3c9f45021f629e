using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Switchboard;

/// <summary>
/// Behind a load balancer or reverse proxy: the proxies named in <c>Switchboard:ForwardedHeaders</c> are trusted to
/// say, in <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c>, who the client is and which scheme and host it
/// called. Rate limits, the audit log and the URL a webhook signature is checked against then use those. Nothing is
/// trusted by default (not even loopback, which ASP.NET Core would trust): such headers from anyone else are ignored.
/// </summary>
public static class ForwardedHeaders
{
    public const string Section = "Switchboard:ForwardedHeaders";

    public static IServiceCollection AddSwitchboardForwardedHeaders(
        this IServiceCollection services,
        IConfiguration configuration)
    {
        var settings = configuration.GetSection(Section).Get<ForwardedHeadersSettings>()
            ?? new ForwardedHeadersSettings();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor
                | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto
                | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedHost;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            // Through a chain of trusted proxies, the client is the first address (from the right) none of them owns.
            o.ForwardLimit = null;
            foreach (var proxy in settings.KnownProxies)
            {
                o.KnownProxies.Add(IPAddress.TryParse(proxy.Trim(), out var address)
                    ? address
                    : throw new InvalidOperationException($"{Section}:KnownProxies: \"{proxy}\" is not an IP address"));
            }

            foreach (var network in settings.KnownNetworks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network.Trim(), out var parsed)
                    ? parsed
                    : throw new InvalidOperationException(
                        $"{Section}:KnownNetworks: \"{network}\" is not a network such as 10.0.0.0/8"));
            }
        });
        return services;
    }

    /// <summary>
    /// First in the pipeline, so that everything after it sees the client. Left out when no proxy is known: the
    /// middleware with empty lists would believe every sender.
    /// </summary>
    public static IApplicationBuilder UseSwitchboardForwardedHeaders(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        return options.KnownProxies.Count + options.KnownIPNetworks.Count == 0 ? app : app.UseForwardedHeaders();
    }
}

public sealed class ForwardedHeadersSettings
{
    /// <summary>Addresses of trusted proxies, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}
