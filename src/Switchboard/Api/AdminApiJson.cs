using System.Text.Json;
using System.Text.Json.Serialization;
using Switchboard.Accounts;
using Switchboard.Admin;
using Switchboard.Calls;
using Switchboard.Events;
using Switchboard.Messages;
using Switchboard.Privacy;

namespace Switchboard.Api;

/// <summary>
/// The JSON contracts of the admin API's request bodies, generated at build. The endpoints read each body's contract
/// as they are built at start, before the first call; made by reflection, those took ~0.1 s of the start's main
/// thread. Answers and any type not listed here are still served by reflection, with the same options.
/// <c>StartTests</c> fails when an endpoint accepts a JSON body this context does not hold.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CreateOrganization))]
[JsonSerializable(typeof(ProviderAccountRequest))]
[JsonSerializable(typeof(AfterHoursBody))]
[JsonSerializable(typeof(AgentChanges))]
[JsonSerializable(typeof(CallerMessageBody))]
[JsonSerializable(typeof(CreateAgent))]
[JsonSerializable(typeof(CreateApiKey))]
[JsonSerializable(typeof(CreatePanelUser))]
[JsonSerializable(typeof(ExplainRequest))]
[JsonSerializable(typeof(FallbackBody))]
[JsonSerializable(typeof(GroupCallOptions))]
[JsonSerializable(typeof(HoursBody))]
[JsonSerializable(typeof(HoursExceptionBody[]))]
[JsonSerializable(typeof(InboundCallsRequest))]
[JsonSerializable(typeof(InboxCallOptions))]
[JsonSerializable(typeof(NumberRequest))]
[JsonSerializable(typeof(OrganizationCallOptions))]
[JsonSerializable(typeof(OwnerHoursBody))]
[JsonSerializable(typeof(OwnerName))]
[JsonSerializable(typeof(OwnerRequest))]
[JsonSerializable(typeof(RingTeamBody))]
[JsonSerializable(typeof(SetPanelPassword))]
[JsonSerializable(typeof(VoicemailBody))]
[JsonSerializable(typeof(WeeklyHoursBody[]))]
[JsonSerializable(typeof(StartCall))]
[JsonSerializable(typeof(CallEventReplayRequest))]
[JsonSerializable(typeof(CallEventsRequest))]
[JsonSerializable(typeof(MessageBatch))]
[JsonSerializable(typeof(PrivacyRequest))]
internal sealed partial class AdminApiJson : JsonSerializerContext;
