using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Phones;
using Switchboard.Storage;

namespace Switchboard.Api;

public sealed record InboundCallsRequest(string? Mode, string? ForwardTo);

public sealed record InboundCallsAnswer(string Mode, string? ForwardTo);

/// <summary>A group's own setting, and what calls to it actually do once "follow organization" is resolved.</summary>
public sealed record GroupInboundCallsAnswer(string Mode, string? ForwardTo, InboundCallsAnswer Effective);

/// <summary>Reads and checks the <c>{mode, forwardTo}</c> body shared by the organization, group and inbox settings.</summary>
public sealed class InboundCallSettings(SwitchboardDb db, PhoneNormalizer phones)
{
    public static InboundCallsAnswer Answer<TMode>(TMode mode, string? forwardTo) where TMode : struct, Enum => new(EnumNames.Name(mode), forwardTo);

    /// <summary>Validates a setting; the forward target is normalized and must not be a platform number (a call loop).</summary>
    public async Task<(TMode Mode, string? ForwardTo, ValidationProblem? Problem)> ParseAsync<TMode>(
        InboundCallsRequest? request, TMode forwardMode, CancellationToken ct) where TMode : struct, Enum
    {
        if (request is null || !EnumNames.TryParse<TMode>(request.Mode, out var mode))
        {
            return (default, null, Problems.Invalid("mode", EnumNames.Allowed<TMode>()));
        }

        if (!EqualityComparer<TMode>.Default.Equals(mode, forwardMode))
        {
            return (mode, null, null);
        }

        if (string.IsNullOrWhiteSpace(request.ForwardTo))
        {
            return (mode, null, Problems.Invalid("forwardTo", "is required when mode is \"forward\""));
        }

        if (!phones.TryNormalize(request.ForwardTo, out var forwardTo))
        {
            return (mode, null, Problems.Invalid("forwardTo", $"{request.ForwardTo} is not a valid phone number"));
        }

        if (await db.Numbers.AnyAsync(n => n.Number == forwardTo, ct))
        {
            return (mode, null, Problems.Invalid("forwardTo", $"{forwardTo} is a platform number; forwarding to it would loop the call"));
        }

        return (mode, forwardTo, null);
    }
}
