using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;
using Switchboard.Phones;

namespace Switchboard.Panel;

/// <summary>A group's or an inbox's hours: "follow the organization" (the default) or its own.</summary>
public abstract class OwnerHoursPage(HoursSettings hours, PhoneDisplay phones, TimeProvider clock) : HoursPage(clock)
{
    public const string Follow = "followOrganization";
    public const string Own = "own";

    protected HoursSettings Hours => hours;

    /// <summary>Its own hours in the form; when it follows, the organization's, as where its own would start.</summary>
    protected async Task<IActionResult> ShowAsync(Answer<OwnerHoursAnswer> answer, CancellationToken ct)
    {
        if (answer.Refusal is { } refusal)
        {
            return Refused(refusal);
        }

        var current = answer.Value!;
        Mode = current.Mode;
        var organization = await OrganizationAsync(ct);
        Show(current.Mode == Own
            ? new HoursBody(current.TimeZone, current.Weekly, current.Exceptions, current.AfterHours)
            : organization);
        ShowState(current);
        return Page();
    }

    protected OwnerHoursBody PostedOwnerHours()
    {
        var posted = Posted();
        return new OwnerHoursBody(Mode, posted.TimeZone, posted.Weekly, posted.Exceptions, posted.AfterHours);
    }

    protected async Task<IActionResult> SavedAsync(
        Answer<OwnerHoursAnswer> answer, Func<Task<Answer<OwnerHoursAnswer>>> stored, CancellationToken ct)
    {
        if (!answer.Done)
        {
            await OrganizationAsync(ct);
            if ((await stored()).Value is { } current)
            {
                ShowState(current);
            }
        }

        return Saved(answer);
    }

    private void ShowState(OwnerHoursAnswer current) =>
        ShowState(current.Effective, current.Mode == Own ? ", by its own hours" : ", by the organization's hours");

    private async Task<HoursBody?> OrganizationAsync(CancellationToken ct)
    {
        var organization = Stored(await hours.OfOrganizationAsync(OrganizationId, ct));
        OrganizationHours = HoursWords.Describe(organization, phones);
        return organization;
    }
}
