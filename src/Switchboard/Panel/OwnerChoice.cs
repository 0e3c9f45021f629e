using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel;

/// <summary>A group or an inbox picked in one select: its value reads "group:7", "inbox:3", or "" for none.</summary>
public static class OwnerChoice
{
    public static string Of(long? groupId, long? inboxId) =>
        groupId is { } g ? $"group:{g}" : inboxId is { } i ? $"inbox:{i}" : "";

    public static OwnerRequest Parse(string? value) => value?.Split(':') switch
    {
        ["group", var id] when long.TryParse(id, out var g) => new OwnerRequest(g, null),
        ["inbox", var id] when long.TryParse(id, out var i) => new OwnerRequest(null, i),
        _ => new OwnerRequest(null, null),
    };
}

public sealed record OwnerLists(IReadOnlyList<OwnerAnswer> Groups, IReadOnlyList<OwnerAnswer> Inboxes);

public sealed record OwnerSelect(
    string Id,
    OwnerLists GroupsAndInboxes,
    string? Selected,
    string NoneLabel = "Nobody (unassigned)");
