using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Api;

/// <summary>
/// The weekly openings the hours service accepts (docs/hours.md), the same for the API and the panel: several
/// windows a day that touch, but never two that share a minute of the week.
/// </summary>
[Trait("Database", "yes")]
public sealed class HoursApiTests : IAsyncLifetime
{
    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private long _group;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app);
        _group = await _org.CreateGroupAsync();
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private static object Hours(params (string Day, string Open, string Close)[] weekly) => new
    {
        timeZone = "America/New_York",
        weekly = weekly.Select(w => new { day = w.Day, open = w.Open, close = w.Close }),
    };

    private async Task<JsonObject> RefusedAsync(string path, object body)
    {
        var response = await _org.Admin.PutAsJsonAsync(_org.Path + path, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
    }

    private static string Message(JsonObject errors, string field) => errors[field]![0]!.GetValue<string>();

    [Fact]
    public async Task TwoWindowsOfADayThatOverlapAreRefusedNamingTheLaterAndTheEarlier()
    {
        var errors = await RefusedAsync("/hours", Hours(("monday", "09:00", "17:00"), ("monday", "12:00", "18:00")));

        Assert.Equal(["weekly[1]"], errors.Select(e => e.Key));
        Assert.Equal("must not overlap the opening on Monday 09:00–17:00", Message(errors, "weekly[1]"));
        Assert.Equal("{\"timeZone\":null,\"weekly\":[],\"exceptions\":[],\"afterHours\":null}",
            await _org.Admin.GetStringAsync($"{_org.Path}/hours"));
    }

    [Fact]
    public async Task ANightThatCrossesMidnightOverlapsTheNextMorningAcrossTheEndOfTheWeek()
    {
        var errors = await RefusedAsync("/hours", Hours(("monday", "09:00", "17:00"), ("sunday", "22:00", "09:30")));

        Assert.Equal("must not overlap the opening on Monday 09:00–17:00", Message(errors, "weekly[1]"));
    }

    [Fact]
    public async Task AGroupsOwnHoursAreCheckedTheSameWay()
    {
        var body = new
        {
            mode = "own", timeZone = "America/Chicago",
            weekly = new[]
            {
                new { day = "friday", open = "00:00", close = "00:00" },
                new { day = "friday", open = "20:00", close = "21:00" },
            },
        };

        var errors = await RefusedAsync($"/groups/{_group}/hours", body);

        Assert.Equal("must not overlap the opening on Friday 00:00–00:00", Message(errors, "weekly[1]"));
    }

    [Fact]
    public async Task WindowsThatTouchAndSeveralWindowsADayAreAccepted()
    {
        var response = await _org.Admin.PutAsJsonAsync(_org.Path + "/hours", Hours(
            ("monday", "09:00", "12:00"), ("monday", "12:00", "17:00"), ("monday", "18:00", "22:00"),
            ("sunday", "22:00", "09:00")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var weekly = (await response.Content.ReadFromJsonAsync<JsonObject>())!["weekly"]!.AsArray();
        Assert.Equal(4, weekly.Count);
    }
}
