using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Switchboard.Authorization;
using Switchboard.Kernel;
using Switchboard.Storage;

namespace Switchboard.Admin;

/// <summary>An agent with a new panel sign-in, as the operator creates an organization's first admin.</summary>
public sealed record CreatePanelUser(string? Name, string? Email, string? Phone, string? Role, string? Password);

public sealed record PanelUserAnswer(AgentAnswer Agent, string SignInEmail);

public sealed record SetPanelPassword(string? Password);

/// <summary>
/// An organization's panel users: an agent with a sign-in (email and password, checked by
/// <see cref="PanelLogins"/>), created or given a new password by an admin or the operator.
/// </summary>
public sealed class PanelUsers(
    SwitchboardDb db,
    AgentDirectory agents,
    IPasswordHasher<PanelLogin> hasher,
    WriteGate gate,
    TimeProvider clock)
{
    /// <summary>
    /// Adds an agent (by default an admin) and its sign-in together; nothing is stored when either is refused.
    /// </summary>
    public async Task<Answer<PanelUserAnswer>> CreateWithAgentAsync(
        long orgId,
        CreatePanelUser request,
        Caller viewer,
        CancellationToken ct)
    {
        if (PanelLogins.PasswordProblem(request.Password) is { } problem)
        {
            return Refusal.OnField("password", problem);
        }

        await using var writer = await gate.EnterAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var agent = await agents.CreateAsync(
            orgId,
            new CreateAgent(request.Name, request.Email, request.Phone, request.Role ?? "admin", true),
            viewer,
            ct);
        if (!agent.Done)
        {
            return agent.Refusal;
        }

        db.PanelLogins.Add(NewLogin(orgId, agent.Value!.Id, agent.Value.Email, request.Password!));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new PanelUserAnswer(agent.Value, agent.Value.Email);
    }

    /// <summary>
    /// Gives the agent a sign-in with its email, or a new password to the one it has (which also lifts a lockout).
    /// </summary>
    public async Task<Refusal?> SetPasswordAsync(long orgId, long agentId, string? password, CancellationToken ct)
    {
        var agent = await db.Agents.AsNoTracking()
            .FirstOrDefaultAsync(a => a.Id == agentId && a.OrganizationId == orgId && a.DeletedAt == null, ct);
        if (agent is null)
        {
            return new Refusal.Missing("agent");
        }

        if (PanelLogins.PasswordProblem(password) is { } problem)
        {
            return Refusal.OnField("password", problem);
        }

        if (await db.PanelLogins.AnyAsync(l => l.Email == agent.Email && l.AgentId != agentId, ct))
        {
            return new Refusal.Taken(
                "email",
                "Email already in use",
                $"{agent.Email} already signs in to the panel as someone else.");
        }

        var login = await db.PanelLogins.FirstOrDefaultAsync(l => l.AgentId == agentId, ct);
        if (login is null)
        {
            db.PanelLogins.Add(NewLogin(orgId, agentId, agent.Email, password!));
        }
        else
        {
            login.PasswordHash = hasher.HashPassword(login, password!);
            login.FailedAttempts = 0;
            login.LockedUntil = null;
            // A new password ends every panel session signed in with the old one.
            login.NewSecurityStamp();
        }

        await db.SaveChangesAsync(ct);
        return null;
    }

    public Task<bool> HasSignInAsync(long agentId, CancellationToken ct) =>
        db.PanelLogins.AnyAsync(l => l.AgentId == agentId, ct);

    private PanelLogin NewLogin(long orgId, long agentId, string email, string password)
    {
        var login = new PanelLogin
        {
            OrganizationId = orgId,
            AgentId = agentId,
            Email = email,
            PasswordHash = "",
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        login.PasswordHash = hasher.HashPassword(login, password);
        return login;
    }
}
