using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Reliability;

/// <summary>
/// What an admin reads when something fails — problem answers and the call log — never carries Switchboard's
/// configuration (the provider's API address, hosts, ports), SQL, stack traces or exception types.
/// </summary>
[Trait("Database", "yes")]
public sealed class ProblemLeakTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string Contact = "+14155550199";

    private static readonly string[] Forbidden =
    [
        "127.0.0.1", "localhost", "http://", "https://api", "Exception", "   at ", "System.", "Microsoft.", "Npgsql",
        "SQLite", "SELECT ", "INSERT ", "UPDATE ", "\"Calls\"", "Switchboard.", "Connection refused",
    ];

    private FakeTwilioApi _twilio = null!;

    public async Task InitializeAsync() => _twilio = await FakeTwilioApi.StartAsync();

    public async Task DisposeAsync() => await _twilio.DisposeAsync();

    [Fact]
    public async Task ProviderThatCannotBeReachedAnswersWithoutItsAddress()
    {
        var port = ClosedPort();
        using var app = new SwitchboardApp();
        _twilio.Configure(app);
        app.Settings["Switchboard:Twilio:ApiBaseUrl"] = $"http://127.0.0.1:{port}";
        var (org, alice) = await ArrangeAsync(app);

        var answer = await org.Admin.PostAsJsonAsync($"{org.Path}/calls", new { agentId = alice, contact = Contact });

        await ProblemAsync(answer, HttpStatusCode.BadGateway);
        await AssertCleanAsync(answer, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AssertClean(
            (await org.CallsAsync()).ToJsonString(),
            port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ProviderThatAnswersTooLateOrRefusesAnswersWithoutItsAddress()
    {
        using var app = new SwitchboardApp();
        _twilio.Configure(app);
        var (org, alice) = await ArrangeAsync(app);
        var port = new Uri(_twilio.BaseUrl).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        _twilio.Delay = TimeSpan.FromSeconds(3);
        var late = await org.Admin.PostAsJsonAsync($"{org.Path}/calls", new { agentId = alice, contact = Contact });
        _twilio.Delay = null;
        _twilio.Outage = HttpStatusCode.InternalServerError;
        var refused = await org.Admin.PostAsJsonAsync($"{org.Path}/calls", new { agentId = alice, contact = Contact });

        await ProblemAsync(late, HttpStatusCode.GatewayTimeout);
        await AssertCleanAsync(late, port);
        await AssertCleanAsync(refused, port);
        AssertClean((await org.CallsAsync()).ToJsonString(), port);
    }

    [Fact]
    public async Task BodiesThatCannotBeReadAnswerWithoutTheFrameworksWords()
    {
        using var app = new SwitchboardApp();
        var (org, _) = await ArrangeAsync(app);

        foreach (var (path, body) in new[]
        {
            ("/messages", "{\"messages\": [{\"sentAt\": \"yesterday\"}]}"),
            ("/messages", "{\"messages\": 5"),
            ("/messages", ""),
            ("/calls", "[]"),
            ("/agents", "{\"name\": {\"$ref\": \"x\"}}"),
            ("/numbers", "null"),
        })
        {
            await AssertCleanAsync(await org.Admin.SendRawAsync(HttpMethod.Post, org.Path + path, body), "");
        }
    }

    [Fact]
    public async Task DatabaseThatIsGoneAnswersWithoutSqlOrItsPath()
    {
        using var app = new SwitchboardApp();
        var (org, _) = await ArrangeAsync(app);
        await app.MakeDatabaseUnavailableAsync();

        foreach (var path in new[] { "/agents", "/numbers", "/calls", "/call-events/deliveries" })
        {
            var answer = await org.Admin.GetAsync(org.Path + path);
            Assert.True((int)answer.StatusCode >= 500, $"{path}: {answer.StatusCode}");
            await AssertCleanAsync(answer, app.DatabasePath);
        }
    }

    private static async Task<(TestOrganization Org, long Alice)> ArrangeAsync(SwitchboardApp app)
    {
        var org = await TestOrganization.CreateAsync(app);
        var group = await org.CreateGroupAsync();
        var alice = await org.CreateAgentAsync("Alice", "+14155550111");
        await org.AddNumberAsync(GroupNumber, groupId: group);
        await org.TextAsync(alice, Contact, GroupNumber, app.Clock.GetUtcNow().AddHours(-1));
        return (org, alice);
    }

    private static async Task AssertCleanAsync(HttpResponseMessage answer, string alsoForbidden)
    {
        Assert.False(answer.IsSuccessStatusCode, $"{answer.RequestMessage?.RequestUri} succeeded");
        AssertClean(await answer.Content.ReadAsStringAsync(), alsoForbidden);
    }

    private static void AssertClean(string text, string alsoForbidden)
    {
        foreach (var word in Forbidden.Append(alsoForbidden).Where(w => w.Length > 0))
        {
            Assert.False(text.Contains(word, StringComparison.OrdinalIgnoreCase), $"'{word}' in: {text}");
        }
    }

    private static int ClosedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
