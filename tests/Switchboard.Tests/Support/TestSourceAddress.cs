using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Switchboard.Tests.Support;

/// <summary>
/// The in-memory test server has no remote address; a test names the source of a request with
/// <see cref="Header"/>, as if it came from that address, to prove limits are kept per source.
/// </summary>
public sealed class TestSourceAddress : IStartupFilter
{
    public const string Header = "X-Test-Source-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((http, nextMiddleware) =>
        {
            if (IPAddress.TryParse(http.Request.Headers[Header], out var address))
            {
                http.Connection.RemoteIpAddress = address;
            }

            return nextMiddleware(http);
        });
        next(app);
    };
}
