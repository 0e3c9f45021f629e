using Microsoft.EntityFrameworkCore;
using Switchboard.Authorization;
using Switchboard.Kernel;
using Switchboard.Storage;

namespace Switchboard.Admin;

public sealed record CreateApiKey(string? Name, string? Role, long? AgentId);

/// <summary>A key with its secret: only in the answer that made or rotated it.</summary>
public sealed record ApiKeyCreated(long Id, string Key, string Name, string Role, long? AgentId);

/// <summary>A key as it is listed: never its secret, nor its hash.</summary>
public sealed record ApiKeyAnswer(
    long Id,
    string Name,
    string Role,
    long? AgentId,
    DateTime CreatedAt,
    DateTime? RevokedAt);

/// <summary>
/// The organization's API keys, for the admin API and the panel. Revoking keeps the key listed with its
/// <c>revokedAt</c>; rotating gives the same key (id, name, role, agent) a new secret, and the old secret stops
/// working at once: there is no grace period, so a leaked secret is dead the moment it is rotated.
/// </summary>
public sealed class ApiKeys(SwitchboardDb db, TimeProvider clock)
{
    public async Task<ApiKeyAnswer[]> ListAsync(long orgId, CancellationToken ct)
    {
        var keys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.OrganizationId == orgId)
            .OrderBy(k => k.Id)
            .ToListAsync(ct);
        return [.. keys.Select(Answer)];
    }

    public async Task<Answer<ApiKeyCreated>> CreateAsync(long orgId, CreateApiKey request, CancellationToken ct)
    {
        if (Names.Problem(request.Name, 200) is { } problem)
        {
            return Refusal.OnField("name", problem);
        }

        if (!EnumNames.TryParse<KeyRole>(request.Role, out var role))
        {
            return Refusal.OnField("role", "must be \"admin\" or \"agent\"");
        }

        if (request.AgentId is null && role == KeyRole.Agent)
        {
            return Refusal.OnField("agentId", "is required for an agent key");
        }

        if (request.AgentId is { } agentId
            && !await db.Agents.AnyAsync(a => a.Id == agentId && a.OrganizationId == orgId && a.DeletedAt == null, ct))
        {
            return Refusal.OnField("agentId", $"agent {agentId} does not exist in this organization");
        }

        var secret = ApiKeySecrets.NewSecret();
        var key = new ApiKey
        {
            OrganizationId = orgId,
            Name = request.Name!.Trim(),
            Role = role,
            AgentId = request.AgentId,
            SecretHash = ApiKeySecrets.Hash(secret),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return Created(key, secret);
    }

    /// <summary>Revoking twice is not an error; the first time stays the time of revocation.</summary>
    public async Task<Refusal?> RevokeAsync(long orgId, long keyId, CancellationToken ct)
    {
        if (await FindAsync(orgId, keyId, ct) is not { } key)
        {
            return new Refusal.Missing("API key");
        }

        key.RevokedAt ??= clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>A new secret for the same key; a revoked key stays revoked.</summary>
    public async Task<Answer<ApiKeyCreated>> RotateAsync(long orgId, long keyId, CancellationToken ct)
    {
        if (await FindAsync(orgId, keyId, ct) is not { } key)
        {
            return new Refusal.Missing("API key");
        }

        if (key.RevokedAt is not null)
        {
            return new Refusal.Unavailable(
                "API key revoked",
                $"Key {keyId} was revoked; a revoked key is never given a new secret. Create a new key instead.");
        }

        var secret = ApiKeySecrets.NewSecret();
        key.SecretHash = ApiKeySecrets.Hash(secret);
        await db.SaveChangesAsync(ct);
        return Created(key, secret);
    }

    private Task<ApiKey?> FindAsync(long orgId, long keyId, CancellationToken ct) =>
        db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId && k.OrganizationId == orgId, ct);

    private static ApiKeyCreated Created(ApiKey key, string secret) =>
        new(key.Id, ApiKeySecrets.Format(key.Id, secret), key.Name, EnumNames.Name(key.Role), key.AgentId);

    private static ApiKeyAnswer Answer(ApiKey key) =>
        new(key.Id, key.Name, EnumNames.Name(key.Role), key.AgentId, key.CreatedAt, key.RevokedAt);
}
