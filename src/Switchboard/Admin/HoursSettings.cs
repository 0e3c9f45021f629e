using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;
using Switchboard.Kernel;
using Switchboard.Routing;
using Switchboard.Storage;

namespace Switchboard.Admin;

public sealed record WeeklyHoursBody(string? Day, string? Open, string? Close);

public sealed record HoursExceptionBody(string? Date, bool? Closed, string? Open, string? Close);

public sealed record AfterHoursBody(string? Mode, string? ForwardTo);

/// <summary>The organization's hours: <c>{timeZone, weekly, exceptions, afterHours}</c>.</summary>
public sealed record HoursBody(
    string? TimeZone,
    WeeklyHoursBody[]? Weekly,
    HoursExceptionBody[]? Exceptions,
    AfterHoursBody? AfterHours);

/// <summary>
/// A group's or inbox's hours: <c>{mode: "followOrganization"}</c> or <c>{mode: "own", …the organization's fields}</c>.
/// </summary>
public sealed record OwnerHoursBody(
    string? Mode,
    string? TimeZone,
    WeeklyHoursBody[]? Weekly,
    HoursExceptionBody[]? Exceptions,
    AfterHoursBody? AfterHours);

/// <summary>The organization's hours; all null (and no lists) when none are set: always open.</summary>
public sealed record OrganizationHoursAnswer(
    string? TimeZone,
    WeeklyHoursBody[] Weekly,
    HoursExceptionBody[] Exceptions,
    AfterHoursBody? AfterHours);

/// <summary>A group's or inbox's own hours, and the hours its calls get (null: always open).</summary>
public sealed record OwnerHoursAnswer(
    string Mode,
    string? TimeZone,
    WeeklyHoursBody[]? Weekly,
    HoursExceptionBody[]? Exceptions,
    AfterHoursBody? AfterHours,
    HoursBody? Effective);

public enum HoursMode { FollowOrganization, Own }

/// <summary>
/// Opening hours of the organization, a group or an inbox (docs/hours.md), checked and stored the same way for the
/// API and the panel. Stored as the JSON of the checked body, one column per owner, so that routing reads it in its
/// one statement; Routing's <see cref="StoredHours"/> turns it into the policy's <see cref="OpeningHours"/>.
/// </summary>
public sealed class HoursSettings(SwitchboardDb db, CallOptionSettings options)
{
    public const int MaxWeekly = 70;
    public const int MaxExceptions = 400;

    private static readonly LocalTimePattern TimePattern = LocalTimePattern.CreateWithInvariantCulture("HH':'mm");
    private static readonly LocalDatePattern DatePattern = LocalDatePattern.Iso;

    public async Task<OrganizationHoursAnswer> OfOrganizationAsync(long orgId, CancellationToken ct)
    {
        var json = await db.Organizations.AsNoTracking().Where(o => o.Id == orgId).Select(o => o.Hours).FirstAsync(ct);
        return Read(json) is { } hours
            ? new OrganizationHoursAnswer(hours.TimeZone, hours.Weekly ?? [], hours.Exceptions ?? [], hours.AfterHours)
            : new OrganizationHoursAnswer(null, [], [], null);
    }

    public async Task<Answer<OrganizationHoursAnswer>> SetOrganizationAsync(
        long orgId,
        HoursBody? request,
        CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var checkedHours = await CheckAsync(request, "", errors, ct);
        if (checkedHours is null)
        {
            return new Refusal.Invalid(errors);
        }

        var organization = await db.Organizations.FirstAsync(o => o.Id == orgId, ct);
        organization.Hours = Write(checkedHours);
        await db.SaveChangesAsync(ct);
        return await OfOrganizationAsync(orgId, ct);
    }

    /// <summary>No hours: the organization is always open again.</summary>
    public async Task ClearOrganizationAsync(long orgId, CancellationToken ct)
    {
        var organization = await db.Organizations.FirstAsync(o => o.Id == orgId, ct);
        organization.Hours = null;
        await db.SaveChangesAsync(ct);
    }

    public async Task<Answer<OwnerHoursAnswer>> OfGroupAsync(long orgId, long groupId, CancellationToken ct) =>
        await db.Groups.AsNoTracking()
            .Where(g => g.Id == groupId && g.OrganizationId == orgId)
            .Select(g => new { g.Hours })
            .FirstOrDefaultAsync(ct) is { } group
            ? await AnswerAsync(orgId, group.Hours, ct)
            : new Refusal.Missing("group");

    public async Task<Answer<OwnerHoursAnswer>> SetGroupAsync(
        long orgId,
        long groupId,
        OwnerHoursBody? request,
        CancellationToken ct)
    {
        if (await db.Groups.FirstOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == orgId, ct) is not { } group)
        {
            return new Refusal.Missing("group");
        }

        var (hours, refusal) = await CheckOwnerAsync(request, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        group.Hours = hours;
        await db.SaveChangesAsync(ct);
        return await AnswerAsync(orgId, group.Hours, ct);
    }

    public async Task<Answer<OwnerHoursAnswer>> OfInboxAsync(long orgId, long inboxId, CancellationToken ct) =>
        await db.Inboxes.AsNoTracking()
            .Where(i => i.Id == inboxId && i.OrganizationId == orgId)
            .Select(i => new { i.Hours })
            .FirstOrDefaultAsync(ct) is { } inbox
            ? await AnswerAsync(orgId, inbox.Hours, ct)
            : new Refusal.Missing("inbox");

    public async Task<Answer<OwnerHoursAnswer>> SetInboxAsync(
        long orgId,
        long inboxId,
        OwnerHoursBody? request,
        CancellationToken ct)
    {
        if (await db.Inboxes.FirstOrDefaultAsync(
            i => i.Id == inboxId && i.OrganizationId == orgId,
            ct) is not { } inbox)
        {
            return new Refusal.Missing("inbox");
        }

        var (hours, refusal) = await CheckOwnerAsync(request, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        inbox.Hours = hours;
        await db.SaveChangesAsync(ct);
        return await AnswerAsync(orgId, inbox.Hours, ct);
    }

    /// <summary>
    /// Checked hours (an answer of this service) as the routing policy sees them, read by the same parser as the
    /// stored column, for the panel's "open now".
    /// </summary>
    public static OpeningHours? Opening(HoursBody? hours) => StoredHours.Parse(hours is null ? null : Write(hours));

    private async Task<OwnerHoursAnswer> AnswerAsync(long orgId, string? own, CancellationToken ct)
    {
        var organization = await OfOrganizationAsync(orgId, ct);
        var effective = Read(own) ?? (organization.TimeZone is null
            ? null
            : new HoursBody(
                organization.TimeZone,
                organization.Weekly,
                organization.Exceptions,
                organization.AfterHours));
        return Read(own) is { } hours
            ? new OwnerHoursAnswer(
                EnumNames.Name(HoursMode.Own),
                hours.TimeZone,
                hours.Weekly ?? [],
                hours.Exceptions ?? [],
                hours.AfterHours,
                effective)
            : new OwnerHoursAnswer(EnumNames.Name(HoursMode.FollowOrganization), null, null, null, null, effective);
    }

    private async Task<(string? Json, Refusal? Refusal)> CheckOwnerAsync(OwnerHoursBody? request, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var mode = HoursMode.FollowOrganization;
        if (request?.Mode is not null && !EnumNames.TryParse(request.Mode, out mode))
        {
            errors["mode"] = [EnumNames.Allowed<HoursMode>()];
            return (null, new Refusal.Invalid(errors));
        }

        if (mode == HoursMode.FollowOrganization)
        {
            return (null, null);
        }

        var body = new HoursBody(request!.TimeZone, request.Weekly, request.Exceptions, request.AfterHours);
        return await CheckAsync(body, "", errors, ct) is { } hours
            ? (Write(hours), null)
            : (null, new Refusal.Invalid(errors));
    }

    /// <summary>
    /// The hours in their stored form (trimmed, lower-case days, times as HH:mm), or null with the errors.
    /// </summary>
    private async Task<HoursBody?> CheckAsync(
        HoursBody? body,
        string prefix,
        Dictionary<string, string[]> errors,
        CancellationToken ct)
    {
        if (body?.TimeZone is not { } zone || string.IsNullOrWhiteSpace(zone))
        {
            errors[prefix + "timeZone"] = ["is required: an IANA time zone such as \"America/New_York\""];
        }
        else if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone.Trim()) is null)
        {
            errors[prefix +
                "timeZone"] = [$"must be an IANA time zone such as \"America/New_York\" or \"America/Los_Angeles\""];
        }

        var weekly = body?.Weekly ?? [];
        if (weekly.Length > MaxWeekly)
        {
            errors[prefix + "weekly"] = [$"must have at most {MaxWeekly} openings"];
            weekly = [];
        }

        var checkedWeekly = new List<WeeklyHoursBody>();
        for (var i = 0; i < weekly.Length; i++)
        {
            var field = $"{prefix}weekly[{i}]";
            var opening = weekly[i];
            if (opening is null)
            {
                errors[field] = ["must be {day, open, close}"];
                continue;
            }

            var day = Day(opening.Day);
            if (day is null)
            {
                errors[field + ".day"] = ["must be a day of the week: \"monday\" … \"sunday\""];
            }

            var open = Time(opening.Open, field + ".open", errors);
            var close = Time(opening.Close, field + ".close", errors);
            if (day is not null && open is not null && close is not null)
            {
                var opened = new WeeklyOpening(day.Value, open.Value, close.Value);
                if (checkedWeekly.Select(WeeklyOpeningOf).FirstOrDefault(o => Overlap(o, opened)) is { } other)
                {
                    var times = $"{Format(other.Open)}–{Format(other.Close)}";
                    errors[field] = [$"must not overlap the opening on {other.Day} {times}"];
                }

                checkedWeekly.Add(
                    new WeeklyHoursBody(
                        day.Value.ToString().ToLowerInvariant(),
                        Format(open.Value),
                        Format(close.Value)));
            }
        }

        var exceptions = body?.Exceptions ?? [];
        if (exceptions.Length > MaxExceptions)
        {
            errors[prefix + "exceptions"] = [$"must have at most {MaxExceptions} dates"];
            exceptions = [];
        }

        var checkedExceptions = new List<HoursExceptionBody>();
        var dates = new HashSet<LocalDate>();
        for (var i = 0; i < exceptions.Length; i++)
        {
            var field = $"{prefix}exceptions[{i}]";
            var exception = exceptions[i];
            if (exception is null)
            {
                errors[field] = ["must be {date, closed: true} or {date, open, close}"];
                continue;
            }

            var parsed = DatePattern.Parse(exception.Date?.Trim() ?? "");
            if (!parsed.Success)
            {
                errors[field + ".date"] = ["must be a date such as \"2026-12-25\""];
            }
            else if (!dates.Add(parsed.Value))
            {
                errors[field + ".date"] = [$"{exception.Date} is listed twice"];
            }

            if (exception.Closed == true)
            {
                if (exception.Open is not null || exception.Close is not null)
                {
                    errors[field] = ["give either \"closed\": true or \"open\" and \"close\", not both"];
                }
                else if (parsed.Success)
                {
                    checkedExceptions.Add(new HoursExceptionBody(DatePattern.Format(parsed.Value), true, null, null));
                }

                continue;
            }

            var open = Time(exception.Open, field + ".open", errors);
            var close = Time(exception.Close, field + ".close", errors);
            if (parsed.Success && open is not null && close is not null)
            {
                checkedExceptions.Add(
                    new HoursExceptionBody(
                        DatePattern.Format(parsed.Value),
                        null,
                        Format(open.Value),
                        Format(close.Value)));
            }
        }

        var afterHours = await AfterHoursAsync(body?.AfterHours, prefix + "afterHours", errors, ct);
        return errors.Count > 0
            ? null
            : new HoursBody(body!.TimeZone!.Trim(), [.. checkedWeekly], [.. checkedExceptions], afterHours);
    }

    private async Task<AfterHoursBody?> AfterHoursAsync(
        AfterHoursBody? body,
        string field,
        Dictionary<string, string[]> errors,
        CancellationToken ct)
    {
        if (body is null)
        {
            return new AfterHoursBody(EnumNames.Name(AfterHoursMode.Message), null);
        }

        if (!EnumNames.TryParse<AfterHoursMode>(body.Mode, out var mode))
        {
            errors[field + ".mode"] = [EnumNames.Allowed<AfterHoursMode>()];
            return null;
        }

        if (mode != AfterHoursMode.Forward)
        {
            return new AfterHoursBody(EnumNames.Name(mode), null);
        }

        var (target, problem) = await options.ForwardTargetAsync(body.ForwardTo, "to forward calls after hours", ct);
        if (problem is not null)
        {
            errors[field + ".forwardTo"] = [problem];
        }

        return new AfterHoursBody(EnumNames.Name(mode), target);
    }

    private static WeeklyOpening WeeklyOpeningOf(WeeklyHoursBody w) =>
        new(Day(w.Day)!.Value, TimePattern.Parse(w.Open!).Value, TimePattern.Parse(w.Close!).Value);

    /// <summary>
    /// Whether two weekly openings share a minute of the week; an opening that crosses midnight runs into the next
    /// day, and Sunday's into Monday's.
    /// </summary>
    private static bool Overlap(WeeklyOpening a, WeeklyOpening b)
    {
        const int week = 7 * 24 * 60;
        var (aStart, aEnd) = Minutes(a);
        var (bStart, bEnd) = Minutes(b);
        return new[] { -week, 0, week }.Any(shift => aStart < bEnd + shift && bStart + shift < aEnd);

        static (int Start, int End) Minutes(WeeklyOpening o)
        {
            var start = ((int)o.Day - 1) * 24 * 60 + o.Open.Hour * 60 + o.Open.Minute;
            var length = (int)Period.Between(o.Open, o.Close, PeriodUnits.Minutes).Minutes;
            return (start, start + (length > 0 ? length : length + 24 * 60));
        }
    }

    private static LocalTime? Time(string? value, string field, Dictionary<string, string[]> errors)
    {
        var parsed = TimePattern.Parse(value?.Trim() ?? "");
        if (parsed.Success)
        {
            return parsed.Value;
        }

        errors[field] = ["must be a time of day as HH:mm, such as \"09:00\" or \"17:30\""];
        return null;
    }

    private static IsoDayOfWeek? Day(string? value) =>
        Enum.TryParse<IsoDayOfWeek>(value?.Trim(), ignoreCase: true, out var day)
            && day != IsoDayOfWeek.None
            && Enum.IsDefined(day)
        && !int.TryParse(value, out _) ? day : null;

    private static string Format(LocalTime time) => TimePattern.Format(time);

    private static string Write(HoursBody hours) => JsonSerializer.Serialize(hours, JsonSerializerOptions.Web);

    private static HoursBody? Read(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<HoursBody>(json, JsonSerializerOptions.Web);
}
