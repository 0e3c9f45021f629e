using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.DataProtection;
using Switchboard;
using Switchboard.Accounts;
using Switchboard.Admin;
using Switchboard.ApiDocs;
using Switchboard.Api;
using Switchboard.Audit;
using Switchboard.Authorization;
using Switchboard.Calls;
using Switchboard.Demo;
using Switchboard.Events;
using Switchboard.Messages;
using Switchboard.Network;
using Switchboard.Observability;
using Switchboard.Panel;
using Switchboard.Phones;
using Switchboard.Privacy;
using Switchboard.Reports;
using Switchboard.Storage;
using Switchboard.Providers;
using Switchboard.Bandwidth;
using Switchboard.SignalWire;
using Switchboard.Telnyx;
using Switchboard.Twilio;
using Switchboard.Calls.Voicemail;
using Switchboard.CompiledModels.Postgres;
using Switchboard.CompiledModels.Sqlite;

var demo = args.Contains(DemoMode.Switch);

// Threads ready at once: SQLite's driver blocks a thread while a busy database makes it wait, and the webhooks'
// answer budget needs a free thread to fire on time (the pool would add one only every half second or so).
ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
ThreadPool.SetMinThreads(Math.Max(minWorkers, 64), minIo);
var builder = WebApplication.CreateBuilder(DemoMode.WithoutSwitch(args));

// --demo: embedded SQLite, demo tokens and a seeded organization
if (demo)
{
    DemoMode.Configure(builder);
}

// Settings, storage and the clock
builder.Services.Configure<SwitchboardOptions>(builder.Configuration.GetSection(SwitchboardOptions.Section));
builder.Services.AddSingleton(TimeProvider.System);
var compiledModels = new CompiledEfModels(
    () => SqliteSwitchboardDbModel.Instance, () => PostgresSwitchboardDbModel.Instance);
builder.Services.AddSwitchboardStorage(builder.Configuration, compiledModels);
StorageSetup.PrepareFirstConnection(builder.Configuration, compiledModels);
builder.Services.AddAuditTrail();
builder.Services.AddCallReportCounts();
builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

// Metrics (Prometheus at /metrics, Switchboard:Metrics:Port) and, when OTEL_EXPORTER_OTLP_* is set, traces over OTLP
builder.AddSwitchboardTelemetry();

// Routing and the call life
builder.Services.AddSingleton<PhoneNormalizer>();
builder.Services.AddSingleton<PhoneDisplay>();
builder.Services.AddScoped<InboundCalls>();
builder.Services.AddSingleton<CallRecordWriter>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<CallRecordWriter>());
builder.Services.AddHttpContextAccessor();
builder.Services.AddSingleton<CallbackUrls>();
builder.Services.AddSingleton<ProviderCredentials>();
builder.Services.AddScoped<CallChanges>();
builder.Services.AddScoped<CallerMessages>();

// Outbound calls: the provider's REST API rings the agent first (see TwilioCallPlacer for what is retried)
builder.Services.AddScoped<OutboundCalls>();
builder.Services.AddScoped<ICallPlacer, ProviderCallPlacer>();
builder.Services.AddSingleton<TwilioCallPlacer>();
builder.Services.AddProviderClients(
    TwilioCallPlacer.Client, TwilioCallPlacer.GuardedClient, ProviderHttp.CreateResilience);
builder.Services.AddSingleton<TelnyxCallPlacer>();
builder.Services.AddProviderClients(
    TelnyxCallPlacer.Client, TelnyxCallPlacer.GuardedClient, ProviderHttp.CreateResilience);
builder.Services.AddSingleton<BandwidthCallPlacer>();
builder.Services.AddProviderClients(
    BandwidthCallPlacer.Client, BandwidthCallPlacer.GuardedClient, ProviderHttp.CreateResilience);

// Voicemail: the recordings at the provider that carried the call (read and deleted by id through its REST API),
// signed links, the sweeper; and the reconciler, which looks up calls left open at their provider
builder.Services.AddSingleton<TwilioRest>();
builder.Services.AddProviderClients(TwilioRest.Client, TwilioRest.GuardedClient, ProviderReads.Resilience);
builder.Services.AddSingleton<TelnyxRest>();
builder.Services.AddProviderClients(TelnyxRest.Client, TelnyxRest.GuardedClient, ProviderReads.Resilience);
builder.Services.AddSingleton<BandwidthRest>();
builder.Services.AddProviderClients(BandwidthRest.Client, BandwidthRest.GuardedClient, ProviderReads.Resilience);
builder.Services.AddSingleton<ProviderRest>();
builder.Services.AddTransient<IRecordings>(sp => sp.GetRequiredService<ProviderRest>());
builder.Services.AddTransient<ICallLookup>(sp => sp.GetRequiredService<ProviderRest>());
builder.Services.AddSingleton<VoicemailLinks>();
builder.Services.AddSingleton<VoicemailAudioCache>();
builder.Services.AddScoped<Voicemails>();
builder.Services.AddHostedService<VoicemailSweeper>();
builder.Services.AddScoped<CallReconciler>();
builder.Services.AddHostedService<CallReconcilerService>();

// Organizations' own provider accounts: secrets encrypted with Data Protection, its key ring in the database so that
// every instance shares it; one lookup tells the webhooks and the REST clients whose account speaks
builder.Services.AddDataProtection().SetApplicationName("Switchboard").PersistKeysToKeyRingTable();
builder.Services.AddSingleton<AccountDirectory>();
builder.Services.AddScoped<ProviderAccounts>();
builder.Services.AddSingleton<ProviderProbe>();
builder.Services.AddHttpClient(ProviderProbe.GuardedClient).UseNetworkGuard(o => o.Providers.AllowedNetworks);
builder.Services.AddScoped<TwilioNumbers>();
builder.Services.AddScoped<ITelnyxNumbers, TelnyxNumbers>();
builder.Services.AddScoped<IBandwidthNumbers, BandwidthNumbers>();
builder.Services.AddScoped<NumberConnections>();
builder.Services.AddHostedService<NumberConnectionPass>();

// Call events: an outbox stored with the call records, sent to each organization's texting platform
builder.Services.AddScoped<CallEventSettings>();
builder.Services.AddNetworkGuard();
builder.Services.AddHttpClient(CallEventSender.HttpClientName).UseNetworkGuard(o => o.CallEvents.AllowedNetworks);
builder.Services.AddHostedService<CallEventSender>();

// What admins read and change, shared by the admin API and the panel
builder.Services.AddScoped<InboundCallSettings>();
builder.Services.AddScoped<CallOptionSettings>();
builder.Services.AddScoped<HoursSettings>();
builder.Services.AddScoped<BlockedCallers>();
builder.Services.AddScoped<GroupsAndInboxes>();
builder.Services.AddScoped<AgentDirectory>();
builder.Services.AddScoped<NumberDirectory>();
builder.Services.AddScoped<RoutingExplainer>();
builder.Services.AddScoped<ApiKeys>();
builder.Services.AddScoped<CallLog>();
builder.Services.AddScoped<AuditLog>();
builder.Services.AddScoped<CallReports>();
builder.Services.AddScoped<PanelLogins>();
builder.Services.AddScoped<PanelUsers>();

// Privacy: forgetting a contact, and the purge of data past the organization's retention
builder.Services.AddScoped<ContactErasure>();
builder.Services.AddScoped<PrivacySettings>();
builder.Services.AddScoped<IRecordingEraser, VoicemailRecordings>();
builder.Services.AddHostedService<RetentionPurge>();
builder.Services.AddSingleton<IPasswordHasher<PanelLogin>, PasswordHasher<PanelLogin>>();

// Messages from the texting platform: who texted whom from which number, the facts routing reads
builder.Services.AddScoped<MessageIntake>();
builder.Services.AddScoped<MessageIngestion>();

// Admin API: bearer keys, JSON in camelCase, problems as RFC 7807
builder.Services.AddAuthentication(BearerAuthentication.SchemeName)
    .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerAuthentication>(
        BearerAuthentication.SchemeName,
        null);
builder.Services.AddAuthorization();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<JsonBodyErrors>();
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    o.SerializerOptions.TypeInfoResolverChain.Insert(0, AdminApiJson.Default);
});

// The admin API's OpenAPI document and its browsable reference (Switchboard:ApiDocs:Enabled)
builder.AddApiDocs();

// Admin panel: Razor Pages under /panel with a sign-in cookie of its own
builder.Services.AddPanel();

// Per source address: failed authentications and sign-ins, and webhook traffic (Switchboard:RateLimits)
builder.Services.AddSwitchboardRateLimits();
builder.Services.AddWebhookRateLimit();

// Behind a proxy: the client's address and the public scheme and host, told by trusted proxies only
// (Switchboard:ForwardedHeaders)
builder.Services.AddSwitchboardForwardedHeaders(builder.Configuration);

// Bad input: limits on request bodies, forms and JSON depth (see RequestLimits)
builder.AddRequestLimits();

var app = builder.Build();

// The schema is created or migrated before anything serves, on a second thread while this one maps the endpoints
var schema = StartInBackground.Begin(app.Services);

app.UseSwitchboardForwardedHeaders();
app.UseMetricsPort();
app.UseSecurityHeaders();
app.UseApiDocsPolicy();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UsePanel();
// Routing after the panel's status pages, so that a re-executed request (403 → /panel/status/403) is routed again
app.UseRouting();
app.UseRateLimiter();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.UseOrganizationScope();

// Telephony webhooks: where a call enters
app.MapTwilioWebhooks();
app.MapSignalWireWebhooks();
app.MapTelnyxWebhooks();
app.MapBandwidthWebhooks();

// A voicemail's signed link (events): no key, a signature that expires
app.MapVoicemailLinks();

// Admin API
var organization = app.MapOrganizationScope();
app.MapOrganizations(organization);
organization.MapGroups();
organization.MapInboxes();
organization.MapAgents();
organization.MapNumbers();
organization.MapMessages();
organization.MapCalls();
organization.MapHoursAndBlocking();
organization.MapVoicemail();
organization.MapCallEvents();
organization.MapAudit();
organization.MapReports();
organization.MapPrivacy();
organization.MapProviderAccount();

// Admin API reference: /openapi/v1.json and /api/docs
app.MapApiDocs();

// Admin panel: its pages after every endpoint above, routed from the first request under /panel on
app.MapPanel();

// Health for load balancers and monitors: "Healthy" (200) or "Unhealthy" (503), nothing more
app.MapHealthChecks("/healthz").AllowAnonymous();

// Prometheus scrape: the operator token, or a port of its own
app.MapMetrics()?.RequireOperator();

// Benchmark mode only: a bare endpoint of the same build, the machine's ceiling to compare routing with
if (app.Configuration.GetValue<bool>("Switchboard:Benchmark"))
{
    app.MapGet("/bench/ok", () => "ok");
}

// The endpoints built once while the schema may still be under way: what they compute on their first build (the JSON
// contracts of the admin API's bodies and answers) is then ready when the host builds them again as it starts
foreach (var endpoints in ((IEndpointRouteBuilder)app).DataSources)
{
    _ = endpoints.Endpoints;
}

await schema;

if (demo)
{
    await DemoMode.SeedAndPrintAsync(app.Services, app.Configuration, Console.Out);
}

app.Run();

public partial class Program;
