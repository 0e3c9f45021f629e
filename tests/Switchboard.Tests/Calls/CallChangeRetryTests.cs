using System.Data.Common;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Calls;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Calls;

/// <summary>
/// A provider's status is acknowledged at once, so a save that fails is a status nobody sends again. A failure the
/// database calls transient (a deadlock, a serialization failure) raised by a statement run before EF Core's own
/// (the report counts') is retried as a conflict with another change of the call is, and the status is stored.
/// </summary>
[Trait("Database", "yes")]
public sealed class CallChangeRetryTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string Contact = "+14155550199";

    private readonly SwitchboardApp _app = new();
    private readonly FailingSaves _failures = new();
    private TestOrganization _org = null!;
    private TwilioProvider _provider = null!;

    public async Task InitializeAsync()
    {
        // First of the save's interceptors: it fails where the report counts' statement would.
        _app.Replacements.Add(services =>
            services.Insert(0, ServiceDescriptor.Singleton<ISaveChangesInterceptor>(_failures)));
        _org = await TestOrganization.CreateAsync(_app);
        _provider = _app.Provider();
        var group = await _org.CreateGroupAsync();
        var alice = await _org.CreateAgentAsync("Alice", "+14155550111");
        await _org.AddNumberAsync(GroupNumber, groupId: group);
        await _org.TextAsync(alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(true, "completed")]
    [InlineData(false, null)]
    public async Task ACallersStatusWhoseSaveMeetsAFailureIsStoredOnlyWhenTheFailureIsTransient(
        bool transient, string? stored)
    {
        var ringing = await _provider.CallAsync(Contact, GroupNumber);
        Assert.Equal(["Dial"], ringing.Answer.Verbs);

        _failures.FailNextCallSave(transient);
        var status = await ringing.CallerStatusAsync("completed", durationSeconds: 42);
        var logged = (await _org.CallsAsync()).Single()!;

        Assert.Equal(1, _failures.Thrown);
        Assert.Equal(HttpStatusCode.OK, status.Status);
        Assert.Empty(status.Verbs);
        Assert.Equal(stored, logged.TextOrNull("callerStatus"));
    }

    /// <summary>Throws once, at the next save of a changed call record, before any of its statements.</summary>
    private sealed class FailingSaves : SaveChangesInterceptor
    {
        private bool? _transient;

        public int Thrown { get; private set; }

        public void FailNextCallSave(bool transient) => _transient = transient;

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
        {
            if (_transient is { } transient
                && eventData.Context!.ChangeTracker.Entries<CallRecord>().Any(e => e.State == EntityState.Modified))
            {
                _transient = null;
                Thrown++;
                throw new DatabaseFailure(transient);
            }

            return ValueTask.FromResult(result);
        }
    }

    private sealed class DatabaseFailure(bool transient) : DbException("deadlock detected")
    {
        public override bool IsTransient => transient;
    }
}
