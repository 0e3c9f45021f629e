using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Authorization;
using Switchboard.Storage;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Api;

/// <summary>
/// Panel sign-ins over the API: the operator's first admin, an admin setting an agent's password, and what signing in
/// then does.
/// </summary>
[Trait("Database", "yes")]
public sealed class PanelUsersApiTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;

    public async Task InitializeAsync() => _org = await TestOrganization.CreateAsync(_app);

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private Task<HttpResponseMessage> CreateAsync(HttpClient client, TestOrganization org, object body) =>
        client.PostAsJsonAsync($"{org.Path}/panel-users", body);

    private async Task<PanelSignInResult> SignInAsync(string email, string password)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PanelLogins>()
            .SignInAsync(email, password, CancellationToken.None);
    }

    [Fact]
    public async Task OperatorCreatesTheFirstAdminWhoCanThenSignIn()
    {
        var response = await CreateAsync(
            _app.Operator(),
            _org,
            new { name = "Ada", email = "Ada@Example.org", password = Password });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await TestOrganization.ReadAsync(response);
        Assert.Equal("ada@example.org", created.Text("signInEmail"));
        Assert.Equal("admin", created["agent"]!.Text("role"));
        var signedIn = await SignInAsync(" ADA@example.org ", Password);
        Assert.Equal(AgentRole.Admin, signedIn.User?.Role);
        Assert.Equal(_org.Id, signedIn.User?.OrganizationId);
    }

    [Fact]
    public async Task ShortPasswordIsRefusedNamingItAndNothingIsStored()
    {
        var response = await CreateAsync(
            _app.Operator(),
            _org,
            new { name = "Ada", email = "ada@example.org", password = "short" });

        Assert.Equal(["password"], await ErrorFieldsAsync(response));
        Assert.Empty((await _org.Admin.GetJsonAsync($"{_org.Path}/agents")).AsArray());
    }

    [Fact]
    public async Task EmailThatSignsInElsewhereIsAConflictAndNothingIsStored()
    {
        var other = await TestOrganization.CreateAsync(_app, "Other Org");
        await TestOrganization.ReadAsync(
            await CreateAsync(
                _app.Operator(),
                other,
                new { name = "Ada", email = "ada@example.org", password = Password }));

        var response = await CreateAsync(
            _app.Operator(),
            _org,
            new { name = "Ada", email = "ada@example.org", password = Password });

        await ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Empty((await _org.Admin.GetJsonAsync($"{_org.Path}/agents")).AsArray());
    }

    [Fact]
    public async Task AgentKeyMayNotCreateSignIns()
    {
        var agent = await _org.AgentClientAsync(await _org.CreateAgentAsync("Carol", null));

        var response = await CreateAsync(
            agent,
            _org,
            new { name = "Eve", email = "eve@example.org", password = Password });

        await ProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AdminSetsAnAgentsPasswordWhichAlsoLiftsALockout()
    {
        var carol = await _org.CreateAgentAsync("Carol", null);
        var email = (await _org.Admin.GetJsonAsync($"{_org.Path}/agents/{carol}")).Text("email");
        await TestOrganization.ReadAsync(
            await _org.Admin.PutAsJsonAsync($"{_org.Path}/agents/{carol}/panel-password", new { password = Password }));
        for (var i = 0; i < PanelLogins.MaxFailures; i++)
        {
            await SignInAsync(email, "wrong password");
        }

        Assert.Contains("locked", (await SignInAsync(email, Password)).Problem);
        var reset = await _org.Admin.PutAsJsonAsync(
            $"{_org.Path}/agents/{carol}/panel-password",
            new { password = "another good password" });

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal(carol, (await SignInAsync(email, "another good password")).User?.AgentId);
    }

    [Fact]
    public async Task InactiveOrDeletedAgentCannotSignIn()
    {
        var carol = await _org.CreateAgentAsync("Carol", null);
        var email = (await _org.Admin.GetJsonAsync($"{_org.Path}/agents/{carol}")).Text("email");
        await TestOrganization.ReadAsync(
            await _org.Admin.PutAsJsonAsync($"{_org.Path}/agents/{carol}/panel-password", new { password = Password }));

        await TestOrganization.ReadAsync(
            await _org.Admin.PatchAsJsonAsync($"{_org.Path}/agents/{carol}", new { active = false }));
        var inactive = await SignInAsync(email, Password);
        await TestOrganization.ReadAsync(await _org.Admin.DeleteAsync($"{_org.Path}/agents/{carol}"));
        var deleted = await SignInAsync(email, Password);

        Assert.Null(inactive.User);
        Assert.Contains("inactive", inactive.Problem);
        Assert.Equal(PanelLogins.WrongEmailOrPassword, deleted.Problem);
    }
}
