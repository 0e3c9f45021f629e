using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Calls;
using Switchboard.Storage;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Calls;

/// <summary>
/// A new instance readies its first call in the background while it starts (<see cref="FirstCallWarmup"/>): the
/// Data Protection key ring is read there, not before the port opens, and nothing a user sees is left behind.
/// </summary>
[Trait("Database", "yes")]
public sealed class FirstCallWarmupTests : IDisposable
{
    private const string GroupNumber = "+14155550100";
    private const string AlicePhone = "+14155550111";
    private const string Contact = "+14155550123";

    private readonly SwitchboardApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public void TheKeyRingIsNotReadBeforeThePortOpens()
    {
        var hosted = _app.Services.GetServices<IHostedService>().Select(s => s.GetType()).ToList();

        Assert.Contains(typeof(FirstCallWarmup), hosted);
        Assert.DoesNotContain(
            hosted,
            t => t.Namespace?.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task TheWarmupStoresNoCallAndLeavesTheKeyRingReadyAndTheFirstCallRouted()
    {
        var warmup = _app.Services.GetServices<IHostedService>().OfType<FirstCallWarmup>().Single();
        await warmup.Warming.WaitAsync(TimeSpan.FromSeconds(30));

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            Assert.Equal(0, await db.Calls.CountAsync());
            Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
        }

        var org = await TestOrganization.CreateAsync(_app);
        var group = await org.CreateGroupAsync();
        var alice = await org.CreateAgentAsync("Alice", AlicePhone);
        await org.AddNumberAsync(GroupNumber, groupId: group);
        await org.TextAsync(alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
        var call = await _app.Provider().CallAsync(Contact, GroupNumber);

        Assert.Equal(["Dial"], call.Answer.Verbs);
        Assert.Equal(AlicePhone, call.Answer.Text("Number"));
        Assert.DoesNotContain(_app.Logs.Lines, l => l.Contains("Warming up", StringComparison.Ordinal));
    }
}
