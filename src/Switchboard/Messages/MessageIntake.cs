using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Kernel;
using Switchboard.Phones;
using Switchboard.Storage;

namespace Switchboard.Messages;

public sealed record MessageItem(
    string? Id, long? AgentId, string? Contact, string? From, DateTimeOffset? SentAt, string? ContactName = null);

public sealed record MessageBatch(IReadOnlyList<MessageItem?>? Messages);

public sealed record MessagesAccepted(int Received, int Accepted, int Duplicates);

/// <summary>
/// Takes in "agent A texted contact C from number N at time T" events from the texting platform. The whole batch is
/// checked first: one bad item refuses the batch (naming it) and nothing is stored, so a retry cannot half-apply.
/// </summary>
public sealed class MessageIntake(
    SwitchboardDb db, PhoneNormalizer phones, MessageIngestion ingestion, TimeProvider clock,
    IOptions<SwitchboardOptions> options)
{
    public const int MaxBatch = 10_000;

    private const int MaxErrors = 20;

    private static readonly DateTimeOffset EarliestSentAt = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public async Task<Answer<MessagesAccepted>> AcceptAsync(long orgId, MessageBatch body, CancellationToken ct)
    {
        if (body.Messages is not { Count: > 0 } messages)
        {
            return Refusal.OnField("messages", "must be a non-empty list");
        }

        if (messages.Count > MaxBatch)
        {
            return Refusal.OnField("messages", $"must hold at most {MaxBatch} events; send more in further batches");
        }

        var owners = await db.Numbers.AsNoTracking().Where(n => n.OrganizationId == orgId)
            .ToDictionaryAsync(n => n.Number, n => (n.GroupId, n.InboxId), ct);
        var agentIds = messages.Select(m => m?.AgentId).OfType<long>().Distinct().ToList();
        var agents = (await db.Agents.AsNoTracking()
            .Where(a => a.OrganizationId == orgId && agentIds.Contains(a.Id))
            .Select(a => a.Id)
            .ToListAsync(ct)).ToHashSet();

        // The last texter only moves forward: a text dated in the future would pin its agent until that date.
        var tolerance = options.Value.Messages.FutureTolerance;
        var latest = clock.GetUtcNow() + tolerance;
        var valid = new List<ValidMessage>(messages.Count);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < messages.Count && errors.Count < MaxErrors; i++)
        {
            var field = $"messages[{i}]";
            if (messages[i] is not { } m)
            {
                errors[field] = ["must be an object"];
                continue;
            }

            var itemErrors = errors.Count;
            if (m.Id is { Length: 0 or > 200 })
            {
                errors[$"{field}.id"] = ["must be 1 to 200 characters"];
            }

            if (m.AgentId is not { } agentId || !agents.Contains(agentId))
            {
                errors[$"{field}.agentId"] =
                    [m.AgentId is null ? "is required" : $"agent {m.AgentId} does not exist in this organization"];
            }

            if (!phones.TryNormalize(m.Contact, out var contact))
            {
                errors[$"{field}.contact"] = [m.Contact is null ? "is required" : "is not a valid phone number"];
            }

            var from = phones.NormalizeOrNull(m.From);
            if (from is null || !owners.ContainsKey(from))
            {
                errors[$"{field}.from"] =
                    [from is null ? "is not a valid phone number" : $"{from} is not a number of this organization"];
            }

            if (SentAtProblem(m.SentAt, latest, tolerance) is { } sentAtProblem)
            {
                errors[$"{field}.sentAt"] = [sentAtProblem];
            }

            var contactName = string.IsNullOrWhiteSpace(m.ContactName) ? null : m.ContactName.Trim();
            if (contactName is { Length: > 100 } || contactName?.Any(char.IsControl) == true)
            {
                errors[$"{field}.contactName"] = ["must be at most 100 characters, without control characters"];
            }

            if (errors.Count == itemErrors)
            {
                var (groupId, inboxId) = owners[from!];
                var sentAt = m.SentAt!.Value.UtcDateTime;
                valid.Add(new ValidMessage(m.Id, m.AgentId!.Value, contact, from!, groupId, inboxId, sentAt)
                {
                    ContactName = contactName,
                });
            }
        }

        if (errors.Count > 0)
        {
            return new Refusal.Invalid(errors);
        }

        var result = await ingestion.IngestAsync(orgId, valid, ct);
        return new MessagesAccepted(messages.Count, result.Accepted, result.Duplicates);
    }

    private static string? SentAtProblem(DateTimeOffset? sentAt, DateTimeOffset latest, TimeSpan tolerance) =>
        sentAt is null ? "is required"
        : sentAt < EarliestSentAt ? "must be in the year 2000 or later"
        : sentAt > latest ? $"must not be ahead of Switchboard's clock by more than {tolerance:c}"
        : null;
}
