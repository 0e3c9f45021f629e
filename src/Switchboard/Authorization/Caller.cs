using System.Security.Claims;

namespace Switchboard.Authorization;

public enum CallerRole { Operator, Admin, Agent }

/// <summary>Who is calling the admin API, as established by <see cref="BearerAuthentication"/>.</summary>
public sealed record Caller(CallerRole Role, long? OrganizationId, long? AgentId, long? KeyId)
{
    private const string RoleClaim = "sb:role";
    private const string OrganizationClaim = "sb:org";
    private const string AgentClaim = "sb:agent";
    private const string KeyClaim = "sb:key";

    public bool IsAdmin => Role == CallerRole.Admin;

    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var claims = new List<Claim> { new(RoleClaim, Role.ToString()) };
        AddIfSet(claims, OrganizationClaim, OrganizationId);
        AddIfSet(claims, AgentClaim, AgentId);
        AddIfSet(claims, KeyClaim, KeyId);
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    public static Caller? From(ClaimsPrincipal user)
    {
        if (user.FindFirstValue(RoleClaim) is not { } role || !Enum.TryParse<CallerRole>(role, out var parsed))
        {
            return null;
        }

        return new Caller(parsed, Read(user, OrganizationClaim), Read(user, AgentClaim), Read(user, KeyClaim));
    }

    private static void AddIfSet(List<Claim> claims, string type, long? value)
    {
        if (value is { } v)
        {
            claims.Add(new Claim(type, v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    private static long? Read(ClaimsPrincipal user, string type) =>
        long.TryParse(user.FindFirstValue(type), out var value) ? value : null;
}
