using Microsoft.EntityFrameworkCore;
using Switchboard.Routing;
using Switchboard.Storage;

namespace Switchboard.Calls;

/// <summary>
/// The unavailable message a caller hears once the call was decided (the dial ended, a provider retry): the group's
/// or inbox's own, else the organization's, else null for the stock one. Read when needed, so that a routed call
/// does not carry the text in its record.
/// </summary>
public sealed class CallerMessages(SwitchboardDb db)
{
    public async Task<CallerMessage?> ForCallAsync(long callId, CancellationToken ct) =>
        (await SpokenForCallAsync(callId, ct)).Message;

    /// <summary>
    /// The message, and the call's language (the group's, else the organization's) for the stock words.
    /// </summary>
    public async Task<(CallerMessage? Message, string Language)> SpokenForCallAsync(long callId, CancellationToken ct)
    {
        var row = await (
            from c in db.Calls.AsNoTracking()
            where c.Id == callId
            join o in db.Organizations on c.OrganizationId equals o.Id
            join g in db.Groups on c.GroupId equals g.Id into groups
            from g in groups.DefaultIfEmpty()
            join i in db.Inboxes on c.InboxId equals i.Id into inboxes
            from i in inboxes.DefaultIfEmpty()
            select new
            {
                Language = g != null && g.Language != null ? g.Language : o.Language,
                Organization = new { o.MessageSay, o.MessageVoice, o.MessageLanguage, o.MessagePlayUrl },
                Group = g == null ? null : new { g.MessageSay, g.MessageVoice, g.MessageLanguage, g.MessagePlayUrl },
                Inbox = i == null ? null : new { i.MessageSay, i.MessageVoice, i.MessageLanguage, i.MessagePlayUrl },
            }).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return (null, CallerLanguage.English);
        }

        var owner = row.Group ?? row.Inbox;
        var own = owner is null
            ? null
            : CallerMessage.From(owner.MessageSay, owner.MessageVoice, owner.MessageLanguage, owner.MessagePlayUrl);
        var organization = row.Organization;
        var heard = CallerMessage.Heard(
            own,
            CallerMessage.From(
                organization.MessageSay,
                organization.MessageVoice,
                organization.MessageLanguage,
                organization.MessagePlayUrl));
        return (heard, row.Language);
    }
}
