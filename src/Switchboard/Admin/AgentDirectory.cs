using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using Switchboard.Authorization;
using Switchboard.Kernel;
using Switchboard.Phones;
using Switchboard.Storage;

namespace Switchboard.Admin;

public sealed record CreateAgent(string? Name, string? Email, string? Phone, string? Role, bool? Active);

/// <summary>
/// Fields to change; null leaves a field as it is, and an empty <see cref="Phone"/> removes the phone.
/// </summary>
public sealed record AgentChanges(
    string? Name = null,
    string? Email = null,
    string? Phone = null,
    string? Role = null,
    bool? Active = null);

/// <summary>
/// An agent; <c>phone</c> is in full only for the agent itself, masked to its last four digits for everyone else.
/// </summary>
public sealed record AgentAnswer(long Id, string Name, string Email, string? Phone, string Role, bool Active);

/// <summary>The organization's agents, as the admin API and the panel add, change and show them.</summary>
public sealed class AgentDirectory(SwitchboardDb db, PhoneNormalizer phones, TimeProvider clock)
{
    public async Task<AgentAnswer[]> ListAsync(long orgId, Caller viewer, CancellationToken ct)
    {
        var agents = await db.Agents.AsNoTracking()
            .Where(a => a.OrganizationId == orgId && a.DeletedAt == null)
            .OrderBy(a => a.Id)
            .ToListAsync(ct);
        return agents.Select(a => Answer(a, viewer)).ToArray();
    }

    public async Task<Answer<AgentAnswer>> GetAsync(long orgId, long agentId, Caller viewer, CancellationToken ct)
    {
        if (!MayRead(viewer, agentId))
        {
            return new Refusal.Forbidden("An agent may only read its own record.");
        }

        var agent = await db.Agents.AsNoTracking()
            .FirstOrDefaultAsync(a => a.Id == agentId && a.OrganizationId == orgId && a.DeletedAt == null, ct);
        return agent is null ? new Refusal.Missing("agent") : Answer(agent, viewer);
    }

    public async Task<Answer<AgentAnswer>> CreateAsync(
        long orgId,
        CreateAgent request,
        Caller viewer,
        CancellationToken ct)
    {
        var agent = new Agent { OrganizationId = orgId, Name = "", Email = "", Active = request.Active ?? true };
        var errors = new Dictionary<string, string[]>();
        SetName(agent, request.Name, errors);
        SetEmail(agent, request.Email, errors);
        if (!string.IsNullOrEmpty(request.Phone))
        {
            await SetPhoneAsync(agent, request.Phone, errors, ct);
        }

        SetRole(agent, request.Role ?? "agent", errors);
        if (errors.Count > 0)
        {
            return new Refusal.Invalid(errors);
        }

        if (await EmailTakenAsync(orgId, agent.Email, null, ct) is { } taken)
        {
            return taken;
        }

        db.Agents.Add(agent);
        await db.SaveChangesAsync(ct);
        return Answer(agent, viewer);
    }

    /// <summary>An agent may change only its own phone; an admin any field of any agent.</summary>
    public async Task<Answer<AgentAnswer>> ChangeAsync(
        long orgId,
        long agentId,
        AgentChanges changes,
        Caller viewer,
        CancellationToken ct)
    {
        if (!MayRead(viewer, agentId))
        {
            return new Refusal.Forbidden("An agent may only change its own record.");
        }

        if (!viewer.IsAdmin && changes with { Phone = null } != new AgentChanges())
        {
            return new Refusal.Forbidden("An agent may change only its own phone.");
        }

        var agent = await db.Agents.FirstOrDefaultAsync(
            a => a.Id == agentId && a.OrganizationId == orgId && a.DeletedAt == null,
            ct);
        if (agent is null)
        {
            return new Refusal.Missing("agent");
        }

        var errors = new Dictionary<string, string[]>();
        if (changes.Name is not null)
        {
            SetName(agent, changes.Name, errors);
        }

        if (changes.Email is not null)
        {
            SetEmail(agent, changes.Email, errors);
        }

        if (changes.Phone == "")
        {
            agent.Phone = null;
        }
        else if (changes.Phone is not null)
        {
            await SetPhoneAsync(agent, changes.Phone, errors, ct);
        }

        if (changes.Role is not null)
        {
            SetRole(agent, changes.Role, errors);
        }

        agent.Active = changes.Active ?? agent.Active;
        if (errors.Count > 0)
        {
            return new Refusal.Invalid(errors);
        }

        if (await EmailTakenAsync(orgId, agent.Email, agent.Id, ct) is { } taken)
        {
            return taken;
        }

        if (await db.PanelLogins.FirstOrDefaultAsync(l => l.AgentId == agent.Id, ct) is { } login)
        {
            login.Email = agent.Email;
        }

        await db.SaveChangesAsync(ct);
        return Answer(agent, viewer);
    }

    /// <summary>
    /// Keeps the record (history and routing say "deleted"), erases the phone and removes the panel sign-in.
    /// </summary>
    public async Task<Refusal?> DeleteAsync(long orgId, long agentId, CancellationToken ct)
    {
        var agent = await db.Agents.FirstOrDefaultAsync(
            a => a.Id == agentId && a.OrganizationId == orgId && a.DeletedAt == null,
            ct);
        if (agent is null)
        {
            return new Refusal.Missing("agent");
        }

        agent.DeletedAt = clock.GetUtcNow().UtcDateTime;
        agent.Phone = null;
        db.PanelLogins.RemoveRange(db.PanelLogins.Where(l => l.AgentId == agentId));
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// Whether the agent is the organization's only active admin: without it nobody could sign in to manage it.
    /// </summary>
    public async Task<bool> IsLastAdminAsync(long orgId, long agentId, CancellationToken ct) =>
        await db.Agents.AnyAsync(
            a => a.Id == agentId
                && a.OrganizationId == orgId
                && a.DeletedAt == null
                && a.Active
                && a.Role == AgentRole.Admin,
            ct)
            &&
            !await db.Agents.AnyAsync(
                a => a.Id != agentId
                    && a.OrganizationId == orgId
                    && a.DeletedAt == null
                    && a.Active
                    && a.Role == AgentRole.Admin,
                ct);

    public static AgentAnswer Answer(Agent agent, Caller viewer) => new(
        agent.Id,
        agent.Name,
        agent.Email,
        agent.Phone is null ? null : viewer.AgentId == agent.Id ? agent.Phone : PhoneMask.Mask(agent.Phone),
        EnumNames.Name(agent.Role),
        agent.Active);

    private static bool MayRead(Caller viewer, long agentId) => viewer.IsAdmin || viewer.AgentId == agentId;

    /// <summary>
    /// The email must be free among the organization's agents and among every panel sign-in but this agent's.
    /// </summary>
    private async Task<Refusal?> EmailTakenAsync(long orgId, string email, long? except, CancellationToken ct)
    {
        if (await db.Agents.AnyAsync(
            a => a.OrganizationId == orgId && a.DeletedAt == null && a.Email == email && a.Id != except,
            ct))
        {
            return new Refusal.Taken(
                "email",
                "Email already in use",
                $"Another agent of this organization has the email {email}.");
        }

        return await db.PanelLogins.AnyAsync(l => l.Email == email && l.AgentId != except, ct)
            ? new Refusal.Taken(
                "email",
                "Email already in use",
                $"{email} already signs in to the panel as someone else.")
            : null;
    }

    private static void SetName(Agent agent, string? name, Dictionary<string, string[]> errors)
    {
        if (Names.Problem(name, 200) is { } problem)
        {
            errors["name"] = [problem];
            return;
        }

        agent.Name = name!.Trim();
    }

    private static void SetEmail(Agent agent, string? email, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(email)
            || email.Length > 320
            || !MailAddress.TryCreate(email.Trim(), out var address)
            || address.Address != email.Trim())
        {
            errors["email"] =
                [string.IsNullOrWhiteSpace(email) ? "is required" : $"{email} is not a valid email address"];
            return;
        }

        agent.Email = address.Address.ToLowerInvariant();
    }

    private static void SetRole(Agent agent, string role, Dictionary<string, string[]> errors)
    {
        if (EnumNames.TryParse<AgentRole>(role, out var parsed))
        {
            agent.Role = parsed;
        }
        else
        {
            errors["role"] = [EnumNames.Allowed<AgentRole>()];
        }
    }

    private async Task SetPhoneAsync(
        Agent agent,
        string phone,
        Dictionary<string, string[]> errors,
        CancellationToken ct)
    {
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
