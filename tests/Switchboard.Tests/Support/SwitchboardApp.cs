using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Switchboard.Tests.Support;

/// <summary>The real app on a real SQLite file of its own, with a fake clock and known secrets.</summary>
public sealed class SwitchboardApp : WebApplicationFactory<Program>
{
    public const string OperatorToken = "test-operator-token";
    public const string AuthToken = "test-auth-token";
    public const string PublicBaseUrl = "https://calls.example.org";

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), $"switchboard-test-{Guid.NewGuid():N}.db");

    public TestLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Switchboard", $"Data Source={DatabasePath}");
        builder.UseSetting("Switchboard:OperatorToken", OperatorToken);
        builder.UseSetting("Switchboard:Twilio:AuthToken", AuthToken);
        builder.UseSetting("Switchboard:Twilio:PublicBaseUrl", PublicBaseUrl);
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddLogging(logging => logging.AddProvider(Logs));
        });
    }

    public HttpClient Operator() => WithBearer(OperatorToken);

    public HttpClient WithBearer(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    public TwilioProvider Provider() => new(CreateClient());

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(DatabasePath + suffix);
        }
    }
}
