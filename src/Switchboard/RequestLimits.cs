using Microsoft.AspNetCore.Http.Features;

namespace Switchboard;

/// <summary>
/// How much a request may carry, so that no body, however large or deep, costs more than a bounded amount of
/// memory. A body over its limit gets 413 (a problem naming the limit from the admin API, the fallback TwiML
/// from a webhook); JSON nested deeper than <see cref="JsonMaxDepth"/> gets a 400 problem saying so.
/// </summary>
public static class RequestLimits
{
    /// <summary>Any request body: a batch of 10,000 message events with 200-character ids is about 3.3 MB.</summary>
    public const long MaxBodyBytes = 8 * 1024 * 1024;

    /// <summary>A provider's webhook is a form of about 20 short fields, well under 4 KB.</summary>
    public const long MaxWebhookBodyBytes = 64 * 1024;

    /// <summary>Switchboard's own requests nest 3 levels (a batch, its list, a message).</summary>
    public const int JsonMaxDepth = 32;

    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = MaxBodyBytes);
        builder.Services.Configure<FormOptions>(o =>
        {
            o.ValueCountLimit = 256;
            o.KeyLengthLimit = 256;
            o.ValueLengthLimit = 16 * 1024;
            o.MultipartBodyLengthLimit = MaxWebhookBodyBytes;
        });
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.MaxDepth = JsonMaxDepth);
        builder.Services.Configure<ProblemDetailsOptions>(o =>
        {
            var earlier = o.CustomizeProblemDetails;
            o.CustomizeProblemDetails = context =>
            {
                earlier?.Invoke(context);
                NameTheLimit(context);
            };
        });
        return builder;
    }

    /// <summary>
    /// A 413 says which limit the body went over (the framework's own answer only says "Content Too Large").
    /// </summary>
    private static void NameTheLimit(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Status == StatusCodes.Status413PayloadTooLarge
            && context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit)
        {
            context.ProblemDetails.Detail ??= $"The request body is larger than the limit of {limit} bytes.";
        }
    }

    /// <summary>
    /// A tighter body limit for a group of endpoints; it applies on any server that lets a request's limit be set.
    /// </summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder endpoints, long bytes)
        where TBuilder : IEndpointConventionBuilder =>
        endpoints.WithMetadata(new BodyLimit(bytes));

    private sealed record BodyLimit(long? MaxRequestBodySize)
        : Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata;

    /// <summary>A body or form too large to read: Kestrel's 413, or a form's count or length limit.</summary>
    internal static bool IsOverLimit(Exception e) =>
        e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
        || (e is InvalidDataException && e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase));
}
