using Microsoft.Playwright;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Panel;

/// <summary>
/// A test in the panel: its own app on a loopback port, an organization whose first admin the operator made
/// through the API, a group with a number, and a fresh browser page. <see cref="ArrangeAsync"/> adds the rest.
/// </summary>
public abstract class PanelTest(PanelBrowser browser) : IClassFixture<PanelBrowser>, IAsyncLifetime
{
    protected const string AdminEmail = "ada@example.org";
    protected const string GroupNumber = "+14155550100";
    protected const string Contact = "+14155550199";

    protected readonly SwitchboardApp App = new();

    protected PanelBrowser Browser => browser;

    protected TestOrganization Org { get; private set; } = null!;

    protected long Group { get; private set; }

    protected string BaseUrl { get; private set; } = "";

    protected IPage Page { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await ConfigureAsync();
        BaseUrl = PanelBrowser.Start(App);
        Org = await PanelBrowser.OrganizationWithAdminAsync(App, AdminEmail);
        Group = await Org.CreateGroupAsync("Field Team");
        await Org.AddNumberAsync(GroupNumber, groupId: Group);
        await ArrangeAsync();
        Page = await browser.OpenAsync(BaseUrl);
    }

    public virtual async Task DisposeAsync()
    {
        await Page.Context.CloseAsync();
        await App.DisposeAsync();
    }

    protected abstract Task ArrangeAsync();

    /// <summary>Settings of the app, before it starts (e.g. the provider's REST API of the test).</summary>
    protected virtual Task ConfigureAsync() => Task.CompletedTask;

    /// <summary>A contact calls a platform number; the answer is the TwiML the provider gets.</summary>
    protected async Task<TwiMLAnswer> CallAsync(string from, string to) =>
        (await App.Provider().CallAsync(from, to)).Answer;
}
