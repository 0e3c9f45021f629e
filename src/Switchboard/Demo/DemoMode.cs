using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration.Memory;
using Switchboard.Admin;
using Switchboard.Authorization;
using Switchboard.Messages;
using Switchboard.Storage;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Switchboard.Twilio;

namespace Switchboard.Demo;

/// <summary>
/// <c>--demo</c>: a ready organization on an embedded SQLite file, and the curl commands that place signed
/// webhook calls against it. Settings given explicitly (appsettings, environment) still win.
/// </summary>
public static class DemoMode
{
    private const string DefaultUrl = "http://127.0.0.1:5080";
    private const string Contact = "+15550100123";
    private const string ContactOfInactiveAgent = "+15550100456";
    private const string Stranger = "+15550100789";

    private const string BandwidthDemoUser = "demo-bandwidth";
    private const string BandwidthDemoPassword = "demo-bandwidth-callback-password";

    public const string Switch = "--demo";
    public const string AdminEmail = "alice@example.org";
    public const string AdminPassword = "demo-admin-password";
    public const string AgentEmail = "carol@example.org";
    public const string AgentPassword = "demo-agent-password";

    /// <summary>
    /// The arguments without <c>--demo</c>, which the command-line configuration would read as a key.
    /// </summary>
    public static string[] WithoutSwitch(string[] args) => args.Where(a => a != Switch).ToArray();

    public static void Configure(WebApplicationBuilder builder)
    {
        var url = builder.Configuration["urls"]?.Split(';')[0] ?? DefaultUrl;
        builder.WebHost.UseUrls(url);
        var defaults = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Switchboard"] = "Data Source=switchboard-demo.db",
            ["Switchboard:OperatorToken"] = "demo-operator-token",
            ["Switchboard:Twilio:AuthToken"] = "demo-auth-token",
            ["Switchboard:Twilio:PublicBaseUrl"] = url,
            ["Switchboard:SignalWire:SigningKey"] = "demo-signing-key",
            ["Switchboard:Telnyx:PublicKey"] = Convert.ToBase64String(TelnyxDemoKey().GeneratePublicKey().GetEncoded()),
            ["Switchboard:Bandwidth:CallbackUsername"] = BandwidthDemoUser,
            ["Switchboard:Bandwidth:CallbackPassword"] = BandwidthDemoPassword,
        };
        // Lowest precedence: appsettings, environment variables and the command line still win.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = defaults });
    }

    public static async Task SeedAndPrintAsync(
        IServiceProvider services,
        IConfiguration configuration,
        TextWriter output)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var now = DateTime.UtcNow;

        var organization = await db.Organizations.FirstOrDefaultAsync(o => o.Name == "Demo Organization");
        if (organization is null)
        {
            organization = await SeedAsync(db, scope.ServiceProvider.GetRequiredService<MessageIngestion>(), now);
        }

        await SignInsAsync(db, scope.ServiceProvider.GetRequiredService<PanelUsers>(), organization);

        var secret = ApiKeySecrets.NewSecret();
        var key = new ApiKey
        {
            OrganizationId = organization.Id,
            Name = $"demo admin {now:u}",
            Role = KeyRole.Admin,
            SecretHash = ApiKeySecrets.Hash(secret),
            CreatedAt = now,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync();

        var baseUrl = configuration["Switchboard:Twilio:PublicBaseUrl"]!.TrimEnd('/');
        var authToken = configuration["Switchboard:Twilio:AuthToken"]!;
        var numbers = await db.Numbers.Where(n => n.OrganizationId == organization.Id)
            .OrderBy(n => n.Number)
            .ToListAsync();
        var groups = await db.Groups.Where(g => g.OrganizationId == organization.Id)
            .ToDictionaryAsync(g => g.Id, g => g.Name);
        var inboxes = await db.Inboxes.Where(i => i.OrganizationId == organization.Id)
            .ToDictionaryAsync(i => i.Id, i => i.Name);

        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("=== Switchboard demo ===");
        text.AppendLine($"Organization {organization.Id}: {organization.Name}");
        text.AppendLine($"Admin panel: {baseUrl}/panel");
        text.AppendLine($"  admin: {AdminEmail} / {AdminPassword}");
        text.AppendLine($"  agent: {AgentEmail} / {AgentPassword}");
        text.AppendLine($"Admin API key (shown once): {ApiKeySecrets.Format(key.Id, secret)}");
        text.AppendLine($"Twilio auth token for signing webhooks: {authToken}");
        text.AppendLine("Platform numbers:");
        foreach (var n in numbers)
        {
            var owner = n.GroupId is { } g
                ? $"group \"{groups[g]}\""
                : n.InboxId is { } i ? $"inbox \"{inboxes[i]}\"" : "unassigned";
            text.AppendLine($"  {n.Number}  {owner}");
        }

        text.AppendLine();
        Example(
            text,
            "Alice texted this contact from Field Team: her phone rings, she must press 1",
            baseUrl,
            authToken,
            Contact,
            "+15550100001");
        Example(
            text,
            "Nobody from Field Team ever texted this caller: rejected",
            baseUrl,
            authToken,
            Stranger,
            "+15550100001");
        Example(
            text,
            "Bob (inactive) texted this contact last: the caller hears that nobody is available",
            baseUrl,
            authToken,
            ContactOfInactiveAgent,
            "+15550100001");
        Example(text, "Phone Bank forwards its calls to a fixed number", baseUrl, authToken, Contact, "+15550100002");
        Example(text, "The Help Line inbox rejects calls (the default)", baseUrl, authToken, Stranger, "+15550100003");
        TelnyxExample(
            text,
            "The same call as Telnyx would place it (TeXML, signed with Ed25519; valid for 5 minutes)",
            baseUrl,
            Contact,
            "+15550100001");
        BandwidthExample(
            text,
            "The same call as Bandwidth would send it (its JSON initiate event, Basic auth; answered in BXML)",
            configuration,
            baseUrl,
            Contact,
            "+15550100001");
        text.AppendLine("# The call log, newest first:");
        text.AppendLine(
            $"curl -s {baseUrl}/api/v1/organizations/{organization.Id}/calls -H 'Authorization: " +
            $"Bearer {ApiKeySecrets.Format(key.Id, secret)}'");
        text.AppendLine();
        await output.WriteAsync(text.ToString());
    }

    /// <summary>The demo's panel sign-ins, with the printed passwords (set again at every start).</summary>
    private static async Task SignInsAsync(SwitchboardDb db, PanelUsers users, Organization organization)
    {
        if (!await db.Agents.AnyAsync(a => a.OrganizationId == organization.Id && a.Email == AgentEmail))
        {
            db.Agents.Add(
                new Agent
                {
                    OrganizationId = organization.Id,
                    Name = "Carol",
                    Email = AgentEmail,
                    Phone = "+15550100013",
                });
            await db.SaveChangesAsync();
        }

        foreach (var (email, password) in new[] { (AdminEmail, AdminPassword), (AgentEmail, AgentPassword) })
        {
            var agentId = await db.Agents.Where(a => a.OrganizationId == organization.Id && a.Email == email)
                .Select(a => a.Id)
                .FirstAsync();
            await users.SetPasswordAsync(organization.Id, agentId, password, CancellationToken.None);
        }
    }

    private static async Task<Organization> SeedAsync(SwitchboardDb db, MessageIngestion ingestion, DateTime now)
    {
        var organization = new Organization { Name = "Demo Organization", CreatedAt = now };
        db.Organizations.Add(organization);
        await db.SaveChangesAsync();

        var fieldTeam = new Group { OrganizationId = organization.Id, Name = "Field Team" };
        var phoneBank = new Group
        {
            OrganizationId = organization.Id,
            Name = "Phone Bank",
            InboundMode = Routing.GroupMode.Forward,
            InboundForwardTo = "+15550100999",
        };
        var helpLine = new Inbox { OrganizationId = organization.Id, Name = "Help Line" };
        var alice = new Agent
        {
            OrganizationId = organization.Id,
            Name = "Alice",
            Email = AdminEmail,
            Phone = "+15550100011",
            Role = AgentRole.Admin,
        };
        var bob = new Agent
        {
            OrganizationId = organization.Id,
            Name = "Bob",
            Email = "bob@example.org",
            Phone = "+15550100012",
            Active = false,
        };
        db.AddRange(fieldTeam, phoneBank, helpLine, alice, bob);
        await db.SaveChangesAsync();

        db.Numbers.AddRange(
            new PlatformNumber { Number = "+15550100001", OrganizationId = organization.Id, GroupId = fieldTeam.Id },
            new PlatformNumber { Number = "+15550100002", OrganizationId = organization.Id, GroupId = phoneBank.Id },
            new PlatformNumber { Number = "+15550100003", OrganizationId = organization.Id, InboxId = helpLine.Id },
            new PlatformNumber { Number = "+15550100004", OrganizationId = organization.Id });
        await db.SaveChangesAsync();

        await ingestion.IngestAsync(organization.Id,
        [
            new ValidMessage("demo-1", alice.Id, Contact, "+15550100001", fieldTeam.Id, null,
                now.AddHours(-2)) { ContactName = "Maria Lopez" },
            new ValidMessage("demo-2", bob.Id, ContactOfInactiveAgent, "+15550100001", fieldTeam.Id, null,
                now.AddHours(-1)),
            new ValidMessage("demo-3", alice.Id, Contact, "+15550100002", phoneBank.Id, null, now.AddMinutes(-30)),
        ], CancellationToken.None);
        return organization;
    }

    /// <summary>
    /// The demo's own Ed25519 key, made from a fixed seed so that its public key can be configured before the app
    /// starts; it stands in for Telnyx's, whose private half only Telnyx holds.
    /// </summary>
    private static Ed25519PrivateKeyParameters TelnyxDemoKey() =>
        new(SHA256.HashData("switchboard demo telnyx key"u8), 0);

    private static void TelnyxExample(StringBuilder text, string title, string baseUrl, string from, string to)
    {
        var url = $"{baseUrl}/webhooks/telnyx/voice";
        var body = string.Join('&', new Dictionary<string, string>
        {
            ["CallSid"] = "v3:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["AccountSid"] = "demo-account",
            ["From"] = from,
            ["To"] = to,
            ["CallStatus"] = "ringing",
            ["Direction"] = "inbound",
        }.Select(f => $"{f.Key}={Uri.EscapeDataString(f.Value)}"));
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds()
            .ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signer = new Ed25519Signer();
        signer.Init(true, TelnyxDemoKey());
        var message = Telnyx.TelnyxSignature.Message(timestamp, Encoding.ASCII.GetBytes(body));
        signer.BlockUpdate(message, 0, message.Length);
        text.AppendLine($"# {title}");
        var signature = Convert.ToBase64String(signer.GenerateSignature());
        text.AppendLine($"curl -s {url} -H 'telnyx-timestamp: {timestamp}' " +
            $"-H 'telnyx-signature-ed25519: {signature}' --data-binary '{body}'");
        text.AppendLine();
    }

    /// <summary>
    /// Bandwidth signs in to its webhooks with the callback credentials of its Voice application; the demo sets its
    /// own unless the configuration gives them.
    /// </summary>
    private static void BandwidthExample(
        StringBuilder text, string title, IConfiguration configuration, string baseUrl, string from, string to)
    {
        var user = configuration["Switchboard:Bandwidth:CallbackUsername"];
        var password = configuration["Switchboard:Bandwidth:CallbackPassword"];
        var now = DateTime.UtcNow.ToString(
            "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var body = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["eventType"] = "initiate",
            ["eventTime"] = now,
            ["accountId"] = "demo-account",
            ["applicationId"] = "demo-application",
            ["from"] = from,
            ["to"] = to,
            ["direction"] = "inbound",
            ["callId"] = "c-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["startTime"] = now,
        }, new System.Text.Json.JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        text.AppendLine($"# {title}");
        text.AppendLine($"curl -s {baseUrl}/webhooks/bandwidth/voice -u '{user}:{password}' " +
            $"-H 'Content-Type: application/json' --data-binary '{body}'");
        text.AppendLine();
    }

    private static void Example(
        StringBuilder text,
        string title,
        string baseUrl,
        string authToken,
        string from,
        string to)
    {
        var url = $"{baseUrl}/webhooks/twilio/voice";
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = "CA" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["AccountSid"] = "ACdemo",
            ["From"] = from,
            ["To"] = to,
            ["CallStatus"] = "ringing",
            ["Direction"] = "inbound",
        };
        text.AppendLine($"# {title}");
        text.Append($"curl -s {url} -H 'X-Twilio-Signature: {TwilioSignature.Compute(authToken, url, form)}'");
        foreach (var (name, value) in form)
        {
            text.Append($" --data-urlencode '{name}={value}'");
        }

        text.AppendLine();
        text.AppendLine();
    }
}
