using Switchboard.Tests.Support;

namespace Switchboard.Tests.Twilio;

public sealed class SmokeTests : IDisposable
{
    private readonly SwitchboardApp _app = new();

    [Fact]
    public async Task ContactTextedByAgentRingsTheAgent()
    {
        var org = await TestOrganization.CreateAsync(_app);
        var group = await org.CreateGroupAsync();
        var agent = await org.CreateAgentAsync("Alice", "+1 415 555 0111");
        await org.AddNumberAsync("+14155550100", groupId: group);
        await org.TextAsync(agent, "+14155550199", "+14155550100", _app.Clock.GetUtcNow().AddHours(-1));

        var call = await _app.Provider().CallAsync("+14155550199", "+14155550100");

        Assert.Equal("+14155550111", call.Answer.Text("Number"));
    }

    public void Dispose() => _app.Dispose();
}
