namespace Switchboard.Events;

/// <summary>
/// One event for an organization's texting platform, kept in the outbox until its receiver answers 2xx. It is
/// stored in the same transaction as the change of the call record that produced it, so an event is never
/// lost and never invented. <see cref="Id"/> orders the outbox; <see cref="EventId"/> is what receivers see.
/// </summary>
public sealed class CallEvent
{
    public long Id { get; private set; }

    /// <summary>Unique per event and the same on every attempt: receivers de-duplicate on it.</summary>
    public Guid EventId { get; init; }

    public long OrganizationId { get; init; }
    public long CallId { get; private set; }
    public required string Type { get; init; }

    /// <summary>
    /// The call's facts as a JSON object, written when the event is raised (the call's id is added when sent).
    /// </summary>
    public required string Data { get; init; }

    public DateTime CreatedAt { get; init; }

    /// <summary>When the sender may pick it up next; a sender that takes it moves this ahead as its lease.</summary>
    public DateTime NextAttemptAt { get; private set; }

    public int Attempts { get; private set; }
    public DateTime? LastAttemptAt { get; private set; }
    public int? LastStatusCode { get; private set; }
    public string? LastError { get; private set; }
    public DateTime? DeliveredAt { get; private set; }

    /// <summary>Set when retries ran out or events were turned off; such an event is never sent again.</summary>
    public DateTime? GaveUpAt { get; private set; }

    /// <summary>When an admin last asked for it again (resend or replay); retries are counted from then.</summary>
    public DateTime? RequeuedAt { get; private set; }

    public bool Pending => DeliveredAt is null && GaveUpAt is null;

    /// <summary>Retries go on for a while from this time: when it was raised, or asked for again.</summary>
    public DateTime RetriedFrom => RequeuedAt ?? CreatedAt;

    public static CallEvent Raise(long organizationId, string type, string data, DateTime now) => new()
    {
        EventId = Guid.NewGuid(),
        OrganizationId = organizationId,
        Type = type,
        Data = data,
        CreatedAt = now,
        NextAttemptAt = now,
    };

    /// <summary>
    /// An event about a call after it ended (its voicemail), stored on its own rather than with a change of the record.
    /// </summary>
    public static CallEvent RaiseFor(long callId, long organizationId, string type, string data, DateTime now)
    {
        var callEvent = Raise(organizationId, type, data, now);
        callEvent.CallId = callId;
        return callEvent;
    }

    public void Lease(DateTime until) => NextAttemptAt = until;

    public void Delivered(int statusCode, DateTime now)
    {
        Attempts++;
        LastAttemptAt = now;
        LastStatusCode = statusCode;
        LastError = null;
        DeliveredAt = now;
    }

    /// <summary>A failed attempt: tried again at <paramref name="retryAt"/>, or never when that is null.</summary>
    public void Failed(int? statusCode, string error, DateTime now, DateTime? retryAt)
    {
        Attempts++;
        LastAttemptAt = now;
        LastStatusCode = statusCode;
        LastError = error.Length <= 500 ? error : error[..500];
        if (retryAt is { } at)
        {
            NextAttemptAt = at;
        }
        else
        {
            GaveUpAt = now;
        }
    }

    /// <summary>Sent again, with the same <see cref="EventId"/>, as soon as its call's earlier events allow.</summary>
    public void Requeue(DateTime now)
    {
        DeliveredAt = null;
        GaveUpAt = null;
        RequeuedAt = now;
        NextAttemptAt = now;
    }

    public void GiveUp(string reason, DateTime now)
    {
        LastError = reason;
        GaveUpAt = now;
    }
}
