using Switchboard.Accounts;
using Switchboard.Admin;
using Switchboard.Api;
using Switchboard.Calls;
using Switchboard.Events;
using Switchboard.Messages;
using Switchboard.Privacy;

namespace Switchboard.ApiDocs;

/// <summary>
/// A real request body for each operation that takes one, as an integrator would send it. Typed, so that a renamed
/// field breaks the build; a test checks each against the document's schema.
/// </summary>
internal static class ApiExamples
{
    private const string Contact = "+14155550199";

    // Before Examples: static fields are initialized in the order they are written.
    private static readonly WeeklyHoursBody[] Weekdays =
    [
        .. new[] { "monday", "tuesday", "wednesday", "thursday", "friday" }
            .Select(day => new WeeklyHoursBody(day, "09:00", "17:00")),
    ];

    private static readonly HoursExceptionBody[] Holidays =
    [
        new("2026-12-25", true, null, null),
        new("2026-12-24", null, "09:00", "12:00"),
    ];

    private static readonly Dictionary<Type, object> Examples = new()
    {
        [typeof(CreateOrganization)] = new CreateOrganization("Riverside Tenants Union"),
        [typeof(CreateApiKey)] = new CreateApiKey("Texting platform", "admin", null),
        [typeof(CreateAgent)] = new CreateAgent("Ada Park", "ada@example.org", "+14155550123", "agent", true),
        [typeof(AgentChanges)] = new AgentChanges(Phone: "+14155550124"),
        [typeof(CreatePanelUser)] = new CreatePanelUser(
            "Grace Hall",
            "grace@example.org",
            "+14155550125",
            "admin",
            "correct horse battery staple"),
        [typeof(SetPanelPassword)] = new SetPanelPassword("correct horse battery staple"),
        [typeof(OwnerName)] = new OwnerName("Canvassing"),
        [typeof(InboundCallsRequest)] = new InboundCallsRequest("forward", "+14155550144"),
        [typeof(OrganizationCallOptions)] = new OrganizationCallOptions(
            new FallbackBody("forward", "+14155550144"),
            new CallerMessageBody("Nobody can take your call right now. Please text us.", null, "en-US", null),
            true,
            30,
            new VoicemailBody(true, 120, true),
            90,
            RejectFailedVerification: false,
            Language: "es-US"),
        [typeof(GroupCallOptions)] = new GroupCallOptions(
            new FallbackBody("message", null),
            new CallerMessageBody("The canvassing team is out. Please text us.", null, null, null),
            false,
            true,
            RingTeam: new RingTeamBody("together", 20, 5)),
        [typeof(InboxCallOptions)] = new InboxCallOptions(
            new CallerMessageBody(null, null, null, "https://media.example.org/closed.mp3"),
            true),
        [typeof(NumberRequest)] = new NumberRequest("+14155550100", 12, null),
        [typeof(ProviderAccountRequest)] = new ProviderAccountRequest(
            "twilio", AccountSid: "AC0123456789abcdef0123456789abcdef", AuthToken: "0123456789abcdef0123456789abcdef"),
        [typeof(OwnerRequest)] = new OwnerRequest(null, 7),
        [typeof(MessageBatch)] = new MessageBatch(
        [
            new MessageItem("msg-8231", 3, Contact, "+14155550100",
                new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero), "Sam"),
        ]),
        [typeof(StartCall)] = new StartCall(3, Contact),
        [typeof(ExplainRequest)] = new ExplainRequest(Contact, "+14155550100"),
        [typeof(PrivacyRequest)] = new PrivacyRequest(365),
        [typeof(HoursBody)] =
            new HoursBody("America/New_York", Weekdays, Holidays, new AfterHoursBody("voicemail", null)),
        [typeof(OwnerHoursBody)] = new OwnerHoursBody(
            "own",
            "America/Chicago",
            [new WeeklyHoursBody("saturday", "10:00", "14:00"), new WeeklyHoursBody("friday", "22:00", "02:00")],
            [],
            new AfterHoursBody("forward", "+14155550144")),
        [typeof(CallEventReplayRequest)] = new CallEventReplayRequest(
            new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero)),
        [typeof(CallEventsRequest)] = new CallEventsRequest(
            "https://texting.example.org/switchboard/events",
            "whsec-3f9a1c0d2b7e4a65"),
    };

    /// <summary>
    /// A body whose fields depend on one of them (the provider account's, on <c>provider</c>) has one named example
    /// per shape instead of one example (OpenAPI allows one or the other).
    /// </summary>
    private static readonly Dictionary<Type, (string Name, object Example)[]> Shapes = new()
    {
        [typeof(ProviderAccountRequest)] =
        [
            ("twilio", Examples[typeof(ProviderAccountRequest)]),
            ("telnyx", new ProviderAccountRequest(
                "telnyx",
                ApiKey: "KEY0123456789ABCDEF0123456789ABCDEF",
                PublicKey: "Zm9yLWV4YW1wbGUtb25seS0zMi1ieXRlcy1rZXkhISE=",
                ApplicationId: "1293384261075731499")),
            ("bandwidth", new ProviderAccountRequest(
                "bandwidth",
                AccountId: "9900001",
                Username: "switchboard-api",
                Password: "api-user-password-0001",
                ApplicationId: "a1b2c3d4-0000-4000-8000-000000000001",
                CallbackUsername: "switchboard-callbacks",
                CallbackPassword: "callback-password-0001")),
        ],
    };

    public static object? For(Type type) => Examples.GetValueOrDefault(type);

    /// <summary>The named examples of a body of several shapes; empty for the others.</summary>
    public static IReadOnlyList<(string Name, object Example)> ShapesOf(Type type) =>
        Shapes.GetValueOrDefault(type) ?? [];
}
