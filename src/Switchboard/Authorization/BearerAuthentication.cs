using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Storage;

namespace Switchboard.Authorization;

/// <summary>Accepts the operator token or an API key issued by Switchboard as a bearer token.</summary>
public sealed class BearerAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<SwitchboardOptions> switchboard,
    SwitchboardDb db,
    FailureLimits limits) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    private const string WaitItem = "sb:auth-wait";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        // A source past its failures is refused before its token is even looked at, a right token too.
        if (limits.Wait(Failure.Authentication, Context) is { } wait)
        {
            Context.Items[WaitItem] = wait;
            return AuthenticateResult.Fail("Too many failed authentications from this address");
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Failed("Authorization must be a bearer token");
        }

        var token = header["Bearer ".Length..].Trim();
        if (IsOperatorToken(token))
        {
            return Success(new Caller(CallerRole.Operator, null, null, null));
        }

        if (!ApiKeySecrets.TryParse(token, out var keyId, out var secret))
        {
            return Failed("Unknown key");
        }

        var key = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Id == keyId && k.RevokedAt == null)
            .Select(k => new { k.OrganizationId, k.Role, k.AgentId, k.SecretHash })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (key is null || !ApiKeySecrets.Matches(secret, key.SecretHash))
        {
            return Failed("Unknown key");
        }

        if (key.AgentId is { } agentId
            && !await db.Agents.AnyAsync(a => a.Id == agentId && a.DeletedAt == null, Context.RequestAborted))
        {
            return Failed("The key's agent was deleted");
        }

        var role = key.Role == KeyRole.Admin ? CallerRole.Admin : CallerRole.Agent;
        return Success(new Caller(role, key.OrganizationId, key.AgentId, keyId));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[WaitItem] is TimeSpan wait)
        {
            var seconds = FailureLimits.Seconds(wait);
            Response.Headers.RetryAfter = seconds;
            return WriteProblem(StatusCodes.Status429TooManyRequests, "Too many failed authentications",
                "Too many requests from this address had a wrong, unknown or revoked key. " +
                $"Try again in {seconds} seconds.");
        }

        return WriteProblem(StatusCodes.Status401Unauthorized, "Authentication required",
            "Send 'Authorization: Bearer <key>' with the operator token or an API key issued by Switchboard.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblem(StatusCodes.Status403Forbidden, "Forbidden", "This key may not do that.");

    private bool IsOperatorToken(string token)
    {
        var expected = switchboard.Value.OperatorToken;
        return !string.IsNullOrEmpty(expected) &&
            CryptographicOperations.FixedTimeEquals(
                SHA256.HashData(Encoding.UTF8.GetBytes(token)),
                SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }

    private AuthenticateResult Failed(string why)
    {
        limits.Count(Failure.Authentication, Context);
        return AuthenticateResult.Fail(why);
    }

    private AuthenticateResult Success(Caller caller) =>
        AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(SchemeName), SchemeName));

    private Task WriteProblem(int status, string title, string detail)
    {
        Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            Response.Headers.WWWAuthenticate = "Bearer";
        }

        return Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(Context);
    }
}
