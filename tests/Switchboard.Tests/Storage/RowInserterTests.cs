using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Calls;
using Switchboard.Events;
using Switchboard.Routing;
using Switchboard.Storage;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Storage;

/// <summary>
/// Routing stores its call records without EF Core's change tracker (<see cref="RowInserter"/>): what it stores
/// must read back exactly as a record saved through EF Core does, column for column, events included.
/// </summary>
[Trait("Database", "yes")]
public sealed class RowInserterTests
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, 123, DateTimeKind.Utc);

    [Fact]
    public async Task Insert_RecordWithItsEvent_ReadsBackAsOneSavedByEfCore()
    {
        await using var app = new SwitchboardApp();
        var org = await TestOrganization.CreateAsync(app);
        var group = await org.CreateGroupAsync();
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();

        var throughEf = RejectedCall("CA-ef", org.Id, group);
        db.Calls.Add(throughEf);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        var inserted = RejectedCall("CA-rows", org.Id, group);
        await db.Database.OpenConnectionAsync();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            Assert.Equal([inserted], await RowInserter.On(db).InsertAsync(db, [inserted], CancellationToken.None));
            await transaction.CommitAsync();
        }

        var stored = await db.Calls.AsNoTracking().Include(c => c.Events)
            .Where(c => c.Id == throughEf.Id || c.Id == inserted.Id).ToListAsync();
        var expected = stored.Single(c => c.CallSid == "CA-ef");
        var actual = stored.Single(c => c.CallSid == "CA-rows");
        Assert.Equal(inserted.Id, actual.Id);
        AssertSameColumns(db.Model.FindEntityType(typeof(CallRecord))!, expected, actual, "Id", "CallSid");
        var (expectedEvent, actualEvent) = (Assert.Single(expected.Events), Assert.Single(actual.Events));
        Assert.Equal(actual.Id, actualEvent.CallId);
        AssertSameColumns(db.Model.FindEntityType(typeof(CallEvent))!, expectedEvent, actualEvent, "Id", "CallId",
            "EventId", "Data");
    }

    [Fact]
    public async Task Insert_CallSidStoredAlready_IsSkippedAndNotStoredTwice()
    {
        await using var app = new SwitchboardApp();
        var org = await TestOrganization.CreateAsync(app);
        var group = await org.CreateGroupAsync();
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        await db.Database.OpenConnectionAsync();
        var rows = RowInserter.On(db);
        var first = RejectedCall("CA-once", org.Id, group);
        var retry = RejectedCall("CA-once", org.Id, group);

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            Assert.Single(await rows.InsertAsync(db, [first], CancellationToken.None));
            Assert.Empty(await rows.InsertAsync(db, [retry], CancellationToken.None));
            await transaction.CommitAsync();
        }

        Assert.Equal(1, await db.Calls.CountAsync(c => c.CallSid == "CA-once"));
        Assert.Equal(1, await db.Set<CallEvent>().CountAsync(e => e.CallId == first.Id));
    }

    /// <summary>A call to a group's number nobody texted from: over at once, with its event for the platform.</summary>
    private static CallRecord RejectedCall(string callSid, long organizationId, long groupId)
    {
        var facts = new RoutingFacts
        {
            Caller = "+14155550199",
            Number = new NumberFacts
            {
                Number = "+14155550100",
                OrganizationId = organizationId,
                Owner = new GroupFacts
                {
                    GroupId = groupId,
                    Name = "Field Team",
                    Mode = GroupMode.LastAgent,
                    ForwardTo = null,
                    OrganizationMode = OrganizationMode.LastAgent,
                    OrganizationForwardTo = null,
                    LastTexter = null,
                },
            },
            Now = Now,
        };
        var decision = RoutingPolicy.Decide(facts);
        var call = CallRecord.Decided(
            callSid, "+14155550100", "+14155550199", facts, decision, Now, "TN-Validation-Passed-A", "twilio");
        CallEndEvents.Report(call, Now);
        Assert.Single(call.Events);
        return call;
    }

    private static void AssertSameColumns(IEntityType type, object expected, object actual, params string[] except)
    {
        foreach (var property in type.GetProperties().Where(p => !except.Contains(p.Name) && !p.IsShadowProperty()))
        {
            var getter = property.GetGetter();
            var (saved, inserted) =
                (getter.GetClrValueUsingContainingEntity(expected), getter.GetClrValueUsingContainingEntity(actual));
            Assert.True(
                Equals(saved, inserted),
                $"{type.ClrType.Name}.{property.Name}: {saved} saved by EF Core, {inserted} inserted");
        }
    }
}
