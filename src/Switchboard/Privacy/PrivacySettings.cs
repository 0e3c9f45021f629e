using Microsoft.EntityFrameworkCore;
using Switchboard.Kernel;
using Switchboard.Storage;

namespace Switchboard.Privacy;

/// <summary>How long the organization keeps texts and call records; null: for ever.</summary>
public sealed record PrivacyAnswer(int? DataRetentionDays);

public sealed record PrivacyRequest(int? DataRetentionDays);

public sealed class PrivacySettings(SwitchboardDb db)
{
    public const int MaxRetentionDays = 3650;

    public async Task<PrivacyAnswer> GetAsync(long orgId, CancellationToken ct) =>
        new(
            await db.Organizations.AsNoTracking()
                .Where(o => o.Id == orgId)
                .Select(o => o.DataRetentionDays)
                .FirstAsync(ct));

    public async Task<Answer<PrivacyAnswer>> SetAsync(long orgId, PrivacyRequest request, CancellationToken ct)
    {
        if (request.DataRetentionDays is < 1 or > MaxRetentionDays)
        {
            return Refusal.OnField(
                "dataRetentionDays",
                $"must be 1 to {MaxRetentionDays} days, or null to keep everything");
        }

        var organization = await db.Organizations.FirstAsync(o => o.Id == orgId, ct);
        organization.DataRetentionDays = request.DataRetentionDays;
        await db.SaveChangesAsync(ct);
        return new PrivacyAnswer(organization.DataRetentionDays);
    }
}
