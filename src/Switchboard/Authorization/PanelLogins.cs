using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;

namespace Switchboard.Authorization;

/// <summary>Who is signed in to the panel; the role is the agent's, read afresh on every request.</summary>
public sealed record PanelUser(
    long LoginId,
    long OrganizationId,
    long AgentId,
    AgentRole Role,
    string Name,
    string OrganizationName,
    string SecurityStamp)
{
    public const string LoginClaim = "sb:login";
    private const string StampClaim = "sb:stamp";
    private const string NameClaim = "sb:name";
    private const string OrganizationNameClaim = "sb:org-name";

    public Caller Caller =>
        new(Role == AgentRole.Admin ? CallerRole.Admin : CallerRole.Agent, OrganizationId, AgentId, null);

    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var principal = Caller.ToPrincipal(scheme);
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(LoginClaim, LoginId.ToString(CultureInfo.InvariantCulture)));
        identity.AddClaim(new Claim(NameClaim, Name));
        identity.AddClaim(new Claim(OrganizationNameClaim, OrganizationName));
        identity.AddClaim(new Claim(StampClaim, SecurityStamp));
        return principal;
    }

    /// <summary>
    /// The cookie's stamp; a cookie from before stamps existed has none, which matches a sign-in that has none yet.
    /// </summary>
    public static string StampOf(ClaimsPrincipal user) => user.FindFirstValue(StampClaim) ?? "";

    public static long? LoginIdOf(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(LoginClaim), out var id) ? id : null;

    public static string? NameOf(ClaimsPrincipal user) => user.FindFirstValue(NameClaim);

    public static string? OrganizationNameOf(ClaimsPrincipal user) => user.FindFirstValue(OrganizationNameClaim);
}

/// <summary>What signing in came to: the user, or a message for the sign-in form.</summary>
public sealed record PanelSignInResult(PanelUser? User, string? Problem);

/// <summary>
/// Panel sign-ins: email and password, hashed with ASP.NET Core Identity's hasher. After
/// <see cref="MaxFailures"/> wrong passwords in a row the sign-in is locked for <see cref="LockoutMinutes"/> minutes.
/// </summary>
public sealed class PanelLogins(SwitchboardDb db, IPasswordHasher<PanelLogin> hasher, TimeProvider clock)
{
    public const int MaxFailures = 5;
    public const int LockoutMinutes = 15;
    public const int MinPasswordLength = 10;
    public const string WrongEmailOrPassword = "The email or the password is wrong.";

    /// <summary>
    /// Checked against when the email is unknown, so that a wrong email takes as long as a wrong password.
    /// </summary>
    private static readonly string UnknownUserHash = new PasswordHasher<PanelLogin>().HashPassword(
        null!,
        "not anyone's password");

    public static string? PasswordProblem(string? password) =>
        string.IsNullOrEmpty(password) ? "is required"
        : password.Length < MinPasswordLength ? $"must be at least {MinPasswordLength} characters"
        : password.Length > 200 ? "must be at most 200 characters"
        : null;

    public async Task<PanelSignInResult> SignInAsync(string? email, string? password, CancellationToken ct)
    {
        var address = email?.Trim().ToLowerInvariant() ?? "";
        var login = address.Length is 0 or > 320
            ? null
            : await db.PanelLogins.FirstOrDefaultAsync(l => l.Email == address, ct);
        if (login is null)
        {
            hasher.VerifyHashedPassword(null!, UnknownUserHash, password ?? "");
            return new PanelSignInResult(null, WrongEmailOrPassword);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (login.LockedUntil > now)
        {
            return new PanelSignInResult(null, Locked(login.LockedUntil.Value));
        }

        var verdict = hasher.VerifyHashedPassword(login, login.PasswordHash, password ?? "");
        if (verdict == PasswordVerificationResult.Failed)
        {
            login.FailedAttempts++;
            string problem = WrongEmailOrPassword;
            if (login.FailedAttempts >= MaxFailures)
            {
                login.FailedAttempts = 0;
                login.LockedUntil = now.AddMinutes(LockoutMinutes);
                problem = Locked(login.LockedUntil.Value);
            }

            await db.SaveChangesAsync(ct);
            return new PanelSignInResult(null, problem);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            login.PasswordHash = hasher.HashPassword(login, password!);
        }

        login.FailedAttempts = 0;
        login.LockedUntil = null;
        await db.SaveChangesAsync(ct);
        var user = await FindAsync(login.Id, ct);
        return user is null
            ? new PanelSignInResult(
                null,
                "Your agent account is inactive; ask an admin of your organization to turn it back on.")
            : new PanelSignInResult(user, null);
    }

    /// <summary>
    /// The signed-in user as of now; null when the sign-in was removed or its agent deleted or made inactive.
    /// </summary>
    public Task<PanelUser?> FindAsync(long loginId, CancellationToken ct) => (
        from l in db.PanelLogins.AsNoTracking()
        where l.Id == loginId
        join a in db.Agents on l.AgentId equals a.Id
        join o in db.Organizations on a.OrganizationId equals o.Id
        where a.DeletedAt == null && a.Active
        select new PanelUser(l.Id, o.Id, a.Id, a.Role, a.Name, o.Name, l.SecurityStamp)).FirstOrDefaultAsync(ct);

    private static string Locked(DateTime until) =>
        $"Too many wrong passwords: signing in is locked for {LockoutMinutes} minutes, until {until:HH:mm} UTC.";
}
