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
    SwitchboardDb db) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("Authorization must be a bearer token");
        }

        var token = header["Bearer ".Length..].Trim();
        if (IsOperatorToken(token))
        {
            return Success(new Caller(CallerRole.Operator, null, null, null));
        }

        if (!ApiKeySecrets.TryParse(token, out var keyId, out var secret))
        {
            return AuthenticateResult.Fail("Unknown key");
        }

        var key = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Id == keyId && k.RevokedAt == null)
            .Select(k => new { k.OrganizationId, k.Role, k.AgentId, k.SecretHash })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (key is null || !ApiKeySecrets.Matches(secret, key.SecretHash))
        {
            return AuthenticateResult.Fail("Unknown key");
        }

        if (key.AgentId is { } agentId && !await db.Agents.AnyAsync(a => a.Id == agentId && a.DeletedAt == null, Context.RequestAborted))
        {
            return AuthenticateResult.Fail("The key's agent was deleted");
        }

        var role = key.Role == KeyRole.Admin ? CallerRole.Admin : CallerRole.Agent;
        return Success(new Caller(role, key.OrganizationId, key.AgentId, keyId));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblem(StatusCodes.Status401Unauthorized, "Authentication required",
            "Send 'Authorization: Bearer <key>' with the operator token or an API key issued by Switchboard.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblem(StatusCodes.Status403Forbidden, "Forbidden", "This key may not do that.");

    private bool IsOperatorToken(string token)
    {
        var expected = switchboard.Value.OperatorToken;
        return !string.IsNullOrEmpty(expected) &&
            CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(token)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
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
