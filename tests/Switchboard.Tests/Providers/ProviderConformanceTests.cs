using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Calls;
using Switchboard.Tests.Api;
using System.Text.Json.Nodes;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Providers;

/// <summary>
/// One table of call scenarios, written once and run against every provider through its own fake: signed as the
/// provider signs, walking the markup as the provider would, with agent-made calls placed at its fake REST API.
/// Adding a provider is one more <see cref="ProviderPlay"/> and one more name in <see cref="ProviderPlay.Names"/>.
/// </summary>
[Trait("Database", "yes")]
public sealed class ProviderConformanceTests
{
    private const string GroupNumber = "+14155550100";
    private const string UnknownNumber = "+14155559999";
    private const string Contact = "+14155550199";
    private const string AlicePhone = "+14155550111";
    private const string ForwardTarget = "+14155550177";
    private const string FallbackTarget = "+14155550133";
    private const string BobPhone = "+14155550112";
    private const string EventSecret = "receiver-shared-secret-0123456789";

    private static readonly byte[] Audio = [.. Enumerable.Range(0, 3000).Select(i => (byte)(i % 241))];

    public static readonly string[] Scenarios =
    [
        "unknown number is rejected",
        "agent accepts and talks",
        "agent declines",
        "agent stays silent",
        "group forwards",
        "fallback after a decline",
        "voicemail after a decline",
        "the team takes the call after a decline",
        "closed: the after-hours message",
        "blocked caller is rejected",
        "caller hangs up (status callback)",
        "a call left open is looked up at its provider",
        "a call still going at its provider is left open",
        "agent-made call",
        "unsigned webhook is refused",
    ];

    public static TheoryData<string, string> Table()
    {
        var rows = new TheoryData<string, string>();
        foreach (var provider in ProviderPlay.Names)
        {
            foreach (var scenario in Scenarios)
            {
                rows.Add(provider, scenario);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public async Task EveryProviderPlaysEveryScenarioAlike(string provider, string scenario)
    {
        await using var play = ProviderPlay.For(provider);
        using var app = new SwitchboardApp();
        await play.ConfigureAsync(app);
        app.Settings["Switchboard:Twilio:ApiAttemptTimeout"] = "00:00:05";
        app.Settings["Switchboard:CallEvents:PollInterval"] = "00:00:00.050";
        EventReceiver.AllowIn(app.Settings);
        // The reconciler and the voicemail sweeper are run by the table itself, at the fake clock's times.
        app.Settings["Switchboard:Calls:ReconcileInterval"] = "01:00:00";
        app.Settings["Switchboard:Voicemail:SweepInterval"] = "01:00:00";
        var org = await TestOrganization.CreateAsync(app);
        var group = await org.CreateGroupAsync();
        var alice = await org.CreateAgentAsync("Alice", AlicePhone);
        await org.AddNumberAsync(GroupNumber, groupId: group);
        var client = new ProviderClient(app.CreateClient(), play);
        var call = new PlayedCall(client, play.NewCallSid(), play.NewCallSid());
        var hoursAgo = app.Clock.GetUtcNow().AddHours(-2);

        switch (scenario)
        {
            case "unknown number is rejected":
                Assert.Equal(play.RejectVerbs, (await call.RingAsync(Contact, UnknownNumber)).Verbs);
                break;

            case "agent accepts and talks":
            {
                await org.TextAsync(alice, Contact, GroupNumber, hoursAgo);
                var dial = await call.RingAsync(Contact, GroupNumber);
                Assert.Equal(["Dial"], dial.Verbs);
                Assert.Equal(GroupNumber, dial.Attribute("Dial", "callerId"));
                Assert.Equal(AlicePhone, dial.Text("Number"));
                Assert.StartsWith($"{SwitchboardApp.PublicBaseUrl}/webhooks/{provider}/", dial.Attribute("Number",
                    "url"));
                var prompt = await call.AgentAnswersAsync(dial);
                Assert.Equal("Gather", prompt.Verbs[0]);
                Assert.DoesNotContain(Contact, prompt.Body);
                Assert.Empty((await call.PressAsync(prompt, "1"))!.Verbs);
                Assert.Equal(["Hangup"], (await call.DialEndsAsync(dial, "completed", bridged: true,
                    seconds: 30)).Verbs);
                Assert.Equal("connected", await OutcomeAsync(org));
                break;
            }

            case "agent declines":
            {
                await org.TextAsync(alice, Contact, GroupNumber, hoursAgo);
                var dial = await call.RingAsync(Contact, GroupNumber);
                var prompt = await call.AgentAnswersAsync(dial);
                Assert.Equal(["Hangup"], (await call.PressAsync(prompt, "2"))!.Verbs);
                var after = await call.DialEndsAsync(dial, "completed", bridged: false);
                Assert.Equal(["Say", "Hangup"], after.Verbs);
                Assert.Contains("nobody is available", after.Text("Say"));
                Assert.Equal("agentDeclined", await OutcomeAsync(org));
                break;
            }

            case "agent stays silent":
            {
                await org.TextAsync(alice, Contact, GroupNumber, hoursAgo);
                var dial = await call.RingAsync(Contact, GroupNumber);
                var prompt = await call.AgentAnswersAsync(dial);
                // Where the markup asks for it, silence reaches the action; otherwise the Hangup after the Gather runs.
                if (await call.PressAsync(prompt, null) is { } silent)
                {
                    Assert.Equal(["Hangup"], silent.Verbs);
                }

                var after = await call.DialEndsAsync(dial, "completed", bridged: false);
                Assert.Equal(["Say", "Hangup"], after.Verbs);
                Assert.DoesNotContain(await OutcomeAsync(org), new[] { "connected", null });
                break;
            }

            case "group forwards":
            {
                await org.SetAsync($"/groups/{group}/inbound-calls", new { mode = "forward",
                    forwardTo = ForwardTarget });
                await org.TextAsync(alice, Contact, GroupNumber, hoursAgo);
                var dial = await call.RingAsync(Contact, GroupNumber);
                Assert.Equal(["Dial"], dial.Verbs);
                Assert.Equal(GroupNumber, dial.Attribute("Dial", "callerId"));
                Assert.Equal(ForwardTarget, dial.Text("Number"));
                Assert.Null(dial.Find("Number")!.Attribute("url"));
                Assert.Equal(["Hangup"], (await call.DialEndsAsync(dial, "completed", bridged: true,
                    seconds: 12)).Verbs);
                Assert.Equal("forwarded", await OutcomeAsync(org));
                break;
            }

            case "fallback after a decline":
            {
                await org.SetAsync($"/groups/{group}/call-options", new { fallback = new { mode = "forward",
                    forwardTo = FallbackTarget } });
                await org.TextAsync(alice, Contact, GroupNumber, hoursAgo);
                var dial = await call.RingAsync(Contact, GroupNumber);
                await call.PressAsync(await call.AgentAnswersAsync(dial), "2");
                var fallback = await call.DialEndsAsync(dial, "completed", bridged: false);
                Assert.Equal(["Dial"], fallback.Verbs);
                Assert.Equal(GroupNumber, fallback.Attribute("Dial", "callerId"));
                Assert.Equal(FallbackTarget, fallback.Text("Number"));
                Assert.Equal(["Hangup"], (await call.DialEndsAsync(fallback, "completed", bridged: true,
                    seconds: 20)).Verbs);
                Assert.Equal("forwarded", await OutcomeAsync(org));
                break;
            }

            case "voicemail after a decline":
            {
                await org.SetAsync("/call-options", new { voicemail = new { enabled = true, maxSeconds = 90,
                    transcribe = false } });
                await org.TextAsync(alice, Contact, GroupNumber, hoursAgo);
                var dial = await call.RingAsync(Contact, GroupNumber);
                await call.PressAsync(await call.AgentAnswersAsync(dial), "2");
                var voicemail = await call.DialEndsAsync(dial, "completed", bridged: false);
                Assert.Equal(["Say", "Say", "Record", "Hangup"], voicemail.Verbs);
                Assert.Equal("90", voicemail.Attribute("Record", "maxLength"));
                var thanks = await client.PostAsync(voicemail.Attribute("Record", "action"), call.Form(call.CallSid,
                    "in-progress"));
                Assert.Equal(["Say", "Hangup"], thanks.Verbs);
                Assert.Contains("Thank you for your message", thanks.Text("Say"));

                // The recording is kept: read from the provider's API by its id, never from the URL the callback
                // names (a listener that must see no connection), and its event goes to the texting platform.
                await using var receiver = EventReceiver.Down();
                await receiver.UpAsync();
                await org.SetAsync("/call-events", new { url = receiver.Url, secret = EventSecret });
                using var elsewhere = new TcpListener(IPAddress.Loopback, 0);
                elsewhere.Start();
                var recordingId = play.AddRecording(call.CallSid, Audio);
                var acknowledged = await client.PostAsync(voicemail.Attribute("Record", "recordingStatusCallback"),
                    call.Form(call.CallSid, "in-progress",
                        ("RecordingSid", recordingId),
                        ("RecordingStatus", "completed"),
                        ("RecordingDuration", "23"),
                        ("RecordingUrl", $"http://127.0.0.1:{((IPEndPoint)elsewhere.LocalEndpoint).Port}/rec.mp3")));
                Assert.Equal(HttpStatusCode.OK, acknowledged.Status);
                var id = (await org.CallsAsync())[0]!["id"]!.GetValue<long>();
                using var audio = await org.Admin.GetAsync($"{org.Path}/calls/{id}/voicemail");
                Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
                Assert.Equal(Audio, await audio.Content.ReadAsByteArrayAsync());
                Assert.False(elsewhere.Pending(), "the callback's RecordingUrl was fetched");
                var sent = await EventAsync(receiver, "call.voicemail");
                Assert.Equal(23, sent["voicemail"]!["durationSeconds"]!.GetValue<int>());
                var shown = (await org.Admin.GetJsonAsync($"{org.Path}/calls/{id}"))["voicemail"]!;
                Assert.Equal(23, shown["durationSeconds"]!.GetValue<int>());
                break;
            }

            case "the team takes the call after a decline":
            {
                var bob = await org.CreateAgentAsync("Bob", BobPhone);
                await org.SetAsync($"/groups/{group}/call-options", new { ringTeam = new { mode = "together",
                    ringSeconds = 15, maxAgents = 5 } });
                await org.TextAsync(alice, Contact, GroupNumber, hoursAgo);
                var dial = await call.RingAsync(Contact, GroupNumber);
                await call.PressAsync(await call.AgentAnswersAsync(dial), "2");
                var team = await call.DialEndsAsync(dial, "completed", bridged: false);
                Assert.Equal(["Dial"], team.Verbs);
                Assert.Equal(GroupNumber, team.Attribute("Dial", "callerId"));
                Assert.Equal(BobPhone, team.Text("Number"));
                Assert.Contains($"/webhooks/{provider}/calls/", team.Attribute("Number", "url"));
                var bobsPrompt = await call.AgentAnswersAsync(team);
                Assert.Equal("Gather", bobsPrompt.Verbs[0]);
                Assert.DoesNotContain(Contact, bobsPrompt.Body);
                Assert.Empty((await call.PressAsync(bobsPrompt, "1"))!.Verbs);
                Assert.Equal(["Hangup"], (await call.DialEndsAsync(team, "completed", bridged: true,
                    seconds: 25)).Verbs);
                var logged = (await org.CallsAsync())[0]!;
                Assert.Equal("connected", logged["outcome"]!.GetValue<string>());
                Assert.Equal(bob, logged["answeredByAgentId"]!.GetValue<long>());
                break;
            }

            case "closed: the after-hours message":
            {
                // The test clock stands at Tuesday 24 November 2026, 12:00 UTC: 07:00 in New York.
                await org.SetAsync("/hours", new { timeZone = "America/New_York", weekly = new[]
                {
                    new { day = "tuesday", open = "09:00", close = "17:00" },
                } });
                await org.TextAsync(alice, Contact, GroupNumber, hoursAgo);
                var closed = await call.RingAsync(Contact, GroupNumber);
                Assert.Equal(["Say", "Hangup"], closed.Verbs);
                Assert.Contains("We are closed right now", closed.Text("Say"));
                Assert.Equal("afterHours", await OutcomeAsync(org));
                break;
            }

            case "blocked caller is rejected":
            {
                await org.SetAsync("/blocked-callers/%2B14155550199", new { });
                await org.TextAsync(alice, Contact, GroupNumber, hoursAgo);
                Assert.Equal(play.RejectVerbs, (await call.RingAsync(Contact, GroupNumber)).Verbs);
                var logged = (await org.CallsAsync())[0]!;
                Assert.Equal("callerBlocked", logged["reason"]!.GetValue<string>());
                break;
            }

            case "caller hangs up (status callback)":
            {
                await org.TextAsync(alice, Contact, GroupNumber, hoursAgo);
                await call.RingAsync(Contact, GroupNumber);
                var acknowledged = await client.PostAsync($"/webhooks/{provider}/status", call.Form(call.CallSid,
                    "completed"));
                Assert.Equal(HttpStatusCode.OK, acknowledged.Status);
                Assert.Empty(acknowledged.Verbs);
                Assert.Equal("callerHungUp", await OutcomeAsync(org));
                break;
            }

            case "a call left open is looked up at its provider":
            {
                await org.TextAsync(alice, Contact, GroupNumber, hoursAgo);
                await call.RingAsync(Contact, GroupNumber);
                play.EndCall(call.CallSid, 37, app.Clock.GetUtcNow().AddMinutes(1));
                app.Clock.Advance(TimeSpan.FromMinutes(11));

                using (var scope = app.Services.CreateScope())
                {
                    Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<CallReconciler>()
                        .ReconcileAsync(CancellationToken.None));
                }

                var logged = (await org.CallsAsync())[0]!;
                Assert.Equal("callerHungUp", logged["outcome"]!.GetValue<string>());
                Assert.Equal(37, logged["durationSeconds"]!.GetValue<int>());
                break;
            }

            case "a call still going at its provider is left open":
            {
                await org.TextAsync(alice, Contact, GroupNumber, hoursAgo);
                await call.RingAsync(Contact, GroupNumber);
                play.CallGoesOn(call.CallSid);
                app.Clock.Advance(TimeSpan.FromMinutes(11));

                using (var scope = app.Services.CreateScope())
                {
                    Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<CallReconciler>()
                        .ReconcileAsync(CancellationToken.None));
                }

                Assert.Null(await OutcomeAsync(org));
                break;
            }

            case "agent-made call":
            {
                await org.TextAsync(alice, Contact, GroupNumber, hoursAgo);
                var started = await org.Admin.PostAsJsonAsync($"{org.Path}/calls", new { agentId = alice,
                    contact = Contact });
                Assert.Equal(HttpStatusCode.Created, started.StatusCode);
                var id = (await TestOrganization.ReadAsync(started))["id"]!.GetValue<long>();
                var created = Assert.IsType<CreatedCall>(play.LastCreated);
                Assert.Equal(AlicePhone, created.To);
                Assert.Equal(GroupNumber, created.From);
                Assert.Equal($"{SwitchboardApp.PublicBaseUrl}/webhooks/{provider}/calls/{id}/outbound/answered",
                    created.Url);
                var prompt = await client.PostAsync(created.Url!, call.Form(created.Sid, "in-progress"));
                Assert.Equal("Gather", prompt.Verbs[0]);
                Assert.DoesNotContain(Contact, prompt.Body);
                var toContact = await client.PostAsync(prompt.Attribute("Gather", "action"), call.Form(created.Sid,
                    "in-progress", ("Digits", "1")));
                Assert.Equal(["Dial"], toContact.Verbs);
                Assert.Equal(GroupNumber, toContact.Attribute("Dial", "callerId"));
                Assert.Equal(Contact, toContact.Text("Number"));
                break;
            }

            case "unsigned webhook is refused":
            {
                var refused = await client.PostAsync($"/webhooks/{provider}/voice", call.Form(call.CallSid, "ringing"),
                    signed: false);
                Assert.Equal(play.UnsignedStatus, refused.Status);
                Assert.Empty(await org.CallsAsync());
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null);
        }
    }

    /// <summary>Waits (wall-clock, at most 20 s) for the receiver to take an event of this type.</summary>
    private static async Task<JsonNode> EventAsync(EventReceiver receiver, string type)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (receiver.Taken.Select(e => JsonNode.Parse(e.Body)!)
                .FirstOrDefault(e => e["type"]?.GetValue<string>() == type) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no {type} event in {receiver.Taken.Count} taken");
            await Task.Delay(25);
        }
    }

    private static async Task<string?> OutcomeAsync(TestOrganization org) =>
        (await org.CallsAsync())[0]!["outcome"]?.GetValue<string>();

    /// <summary>One inbound call as the provider walks it: the caller's leg, and the agent's leg its dial
    /// places.</summary>
    private sealed record PlayedCall(ProviderClient Client, string CallSid, string AgentCallSid)
    {
        public Task<TwiMLAnswer> RingAsync(string from, string to)
        {
            var form = Form(CallSid, "ringing", ("From", from), ("To", to), ("Direction", "inbound"));
            return Client.PostAsync($"/webhooks/{Client.Play.Name}/voice", form);
        }

        public Task<TwiMLAnswer> AgentAnswersAsync(TwiMLAnswer dial) =>
            Client.PostAsync(dial.Attribute("Number", "url"), Form(AgentCallSid, "in-progress", ("ParentCallSid",
                CallSid)));

        /// <summary>Null when the provider sends nothing: silence at a Gather that does not ask for empty
        /// results.</summary>
        public async Task<TwiMLAnswer?> PressAsync(TwiMLAnswer prompt, string? digits)
        {
            if (digits is null && prompt.Find("Gather")!.Attribute("actionOnEmptyResult")?.Value != "true")
            {
                return null;
            }

            return await Client.PostAsync(prompt.Attribute("Gather", "action"), Form(AgentCallSid, "in-progress",
                ("Digits", digits)));
        }

        public Task<TwiMLAnswer> DialEndsAsync(TwiMLAnswer dial, string dialStatus, bool bridged,
            int? seconds = null) =>
            Client.PostAsync(dial.Attribute("Dial", "action"), Form(CallSid, "in-progress",
                ("DialCallStatus", dialStatus),
                ("DialCallSid", AgentCallSid),
                ("DialBridged", bridged ? "true" : "false"),
                ("DialCallDuration", seconds?.ToString(System.Globalization.CultureInfo.InvariantCulture))));

        public Dictionary<string, string> Form(string callSid, string status, params (string Name,
            string? Value)[] more)
        {
            var form = new Dictionary<string, string> { ["CallSid"] = callSid, ["AccountSid"] = "account",
                ["CallStatus"] = status };
            foreach (var (name, value) in more.Where(m => m.Value is not null))
            {
                form[name] = value!;
            }

            return form;
        }
    }
}
