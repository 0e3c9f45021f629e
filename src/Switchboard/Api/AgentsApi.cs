using System.Net.Mail;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Authorization;
using Switchboard.Phones;
using Switchboard.Storage;

namespace Switchboard.Api;

public sealed record CreateAgent(string? Name, string? Email, string? Phone, string? Role, bool? Active);

/// <summary>An agent; <c>phone</c> is in full only for the agent's own key, masked for everyone else.</summary>
public sealed record AgentAnswer(long Id, string Name, string Email, string? Phone, string Role, bool Active);

public static class AgentsApi
{
    public static void MapAgents(this RouteGroupBuilder organization)
    {
        organization.MapPost("/agents", Create).Allow(CallerRole.Admin);
        organization.MapGet("/agents", List).Allow(CallerRole.Admin);
        organization.MapGet("/agents/{agentId:long}", Get).Allow(CallerRole.Admin, CallerRole.Agent);
        organization.MapPatch("/agents/{agentId:long}", Patch).Allow(CallerRole.Admin, CallerRole.Agent);
        organization.MapDelete("/agents/{agentId:long}", Delete).Allow(CallerRole.Admin);
    }

    private static async Task<Results<Created<AgentAnswer>, ValidationProblem, ProblemHttpResult>> Create(
        long orgId, CreateAgent body, HttpContext http, SwitchboardDb db, PhoneNormalizer phones, CancellationToken ct)
    {
        var agent = new Agent { OrganizationId = orgId, Name = "", Email = "" };
        var errors = new Dictionary<string, string[]>();
        SetName(agent, body.Name, errors);
        SetEmail(agent, body.Email, errors);
        await SetPhoneAsync(agent, body.Phone, db, phones, errors, ct);
        if (EnumNames.TryParse<AgentRole>(body.Role ?? "agent", out var role))
        {
            agent.Role = role;
        }
        else
        {
            errors["role"] = [EnumNames.Allowed<AgentRole>()];
        }

        agent.Active = body.Active ?? true;
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        if (await EmailTakenAsync(db, orgId, agent.Email, null, ct))
        {
            return Problems.Conflict("Email already in use", $"Another agent of this organization has the email {agent.Email}.");
        }

        db.Agents.Add(agent);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/organizations/{orgId}/agents/{agent.Id}", Answer(agent, http.GetCaller()));
    }

    private static async Task<Ok<AgentAnswer[]>> List(long orgId, HttpContext http, SwitchboardDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var agents = await db.Agents.AsNoTracking().Where(a => a.OrganizationId == orgId && a.DeletedAt == null).OrderBy(a => a.Id).ToListAsync(ct);
        return TypedResults.Ok(agents.Select(a => Answer(a, caller)).ToArray());
    }

    private static async Task<Results<Ok<AgentAnswer>, ProblemHttpResult>> Get(long orgId, long agentId, HttpContext http, SwitchboardDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        if (!MayRead(caller, agentId))
        {
            return Problems.Forbidden("An agent key may only read its own agent.");
        }

        var agent = await FindAsync(db, orgId, agentId, ct);
        return agent is null ? Problems.NotFound("agent") : TypedResults.Ok(Answer(agent, caller));
    }

    /// <summary>Changes only the fields present in the body; <c>"phone": null</c> removes the phone.</summary>
    private static async Task<Results<Ok<AgentAnswer>, ValidationProblem, ProblemHttpResult>> Patch(
        long orgId, long agentId, JsonElement body, HttpContext http, SwitchboardDb db, PhoneNormalizer phones, CancellationToken ct)
    {
        var caller = http.GetCaller();
        if (!MayRead(caller, agentId))
        {
            return Problems.Forbidden("An agent key may only change its own agent.");
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return Problems.Invalid("body", "must be a JSON object");
        }

        var fields = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in body.EnumerateObject())
        {
            if (!fields.TryAdd(property.Name, property.Value))
            {
                return Problems.Invalid(property.Name.ToLowerInvariant(), "is given more than once");
            }
        }

        if (!caller.IsAdmin && fields.Keys.FirstOrDefault(f => !f.Equals("phone", StringComparison.OrdinalIgnoreCase)) is { } other)
        {
            return Problems.Forbidden($"An agent may change only its own phone, not \"{other}\".");
        }

        var agent = await db.Agents.FirstOrDefaultAsync(a => a.Id == agentId && a.OrganizationId == orgId && a.DeletedAt == null, ct);
        if (agent is null)
        {
            return Problems.NotFound("agent");
        }

        var errors = new Dictionary<string, string[]>();
        foreach (var (name, value) in fields)
        {
            switch (name.ToLowerInvariant())
            {
                case "name":
                    SetName(agent, StringOrNull(value), errors);
                    break;
                case "email":
                    SetEmail(agent, StringOrNull(value), errors);
                    break;
                case "phone" when value.ValueKind is JsonValueKind.Null || value.ValueKind is JsonValueKind.String && value.GetString() == "":
                    agent.Phone = null;
                    break;
                case "phone":
                    await SetPhoneAsync(agent, StringOrNull(value) ?? value.ToString(), db, phones, errors, ct);
                    break;
                case "role" when EnumNames.TryParse<AgentRole>(StringOrNull(value), out var role):
                    agent.Role = role;
                    break;
                case "role":
                    errors["role"] = [EnumNames.Allowed<AgentRole>()];
                    break;
                case "active" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    agent.Active = value.GetBoolean();
                    break;
                case "active":
                    errors["active"] = ["must be true or false"];
                    break;
                default:
                    errors[name] = ["is not a field of an agent"];
                    break;
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        if (await EmailTakenAsync(db, orgId, agent.Email, agent.Id, ct))
        {
            return Problems.Conflict("Email already in use", $"Another agent of this organization has the email {agent.Email}.");
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(Answer(agent, caller));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(long orgId, long agentId, SwitchboardDb db, TimeProvider clock, CancellationToken ct)
    {
        var agent = await db.Agents.FirstOrDefaultAsync(a => a.Id == agentId && a.OrganizationId == orgId && a.DeletedAt == null, ct);
        if (agent is null)
        {
            return Problems.NotFound("agent");
        }

        agent.DeletedAt = clock.GetUtcNow().UtcDateTime;
        agent.Phone = null;
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static bool MayRead(Caller caller, long agentId) => caller.IsAdmin || caller.AgentId == agentId;

    private static Task<Agent?> FindAsync(SwitchboardDb db, long orgId, long agentId, CancellationToken ct) =>
        db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId && a.OrganizationId == orgId && a.DeletedAt == null, ct);

    private static Task<bool> EmailTakenAsync(SwitchboardDb db, long orgId, string email, long? except, CancellationToken ct) =>
        db.Agents.AnyAsync(a => a.OrganizationId == orgId && a.DeletedAt == null && a.Email == email && a.Id != except, ct);

    private static AgentAnswer Answer(Agent agent, Caller caller) => new(
        agent.Id,
        agent.Name,
        agent.Email,
        agent.Phone is null ? null : caller.AgentId == agent.Id ? agent.Phone : PhoneMask.Mask(agent.Phone),
        EnumNames.Name(agent.Role),
        agent.Active);

    private static string? StringOrNull(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void SetName(Agent agent, string? name, Dictionary<string, string[]> errors)
    {
        if (Text.Invalid(name, "name", 200) is not null)
        {
            errors["name"] = ["is required, at most 200 characters, without control characters"];
            return;
        }

        agent.Name = name!.Trim();
    }

    private static void SetEmail(Agent agent, string? email, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 320 || !MailAddress.TryCreate(email.Trim(), out var address) || address.Address != email.Trim())
        {
            errors["email"] = [$"{email} is not a valid email address"];
            return;
        }

        agent.Email = address.Address.ToLowerInvariant();
    }

    private static async Task SetPhoneAsync(Agent agent, string? phone, SwitchboardDb db, PhoneNormalizer phones, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (phone is null)
        {
            return;
        }

        if (!phones.TryNormalize(phone, out var e164))
        {
            errors["phone"] = [$"{phone} is not a valid phone number"];
        }
        else if (await db.Numbers.AnyAsync(n => n.Number == e164, ct))
        {
            errors["phone"] = [$"{e164} is a platform number, not a personal phone"];
        }
        else
        {
            agent.Phone = e164;
        }
    }
}
