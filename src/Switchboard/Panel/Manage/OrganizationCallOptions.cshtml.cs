using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel.Manage;

public sealed class OrganizationCallOptionsModel(CallOptionSettings options) : CallOptionsPage
{
    public override CallOptionsOwner Owner => CallOptionsOwner.Organization;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var current = await options.OfOrganizationAsync(OrganizationId, ct);
        ShowFallback(current.Fallback!);
        ShowMessage(current.UnavailableMessage);
        SayContactName = current.SayContactName ?? true;
        LastTextMaxAgeDays = current.LastTextMaxAgeDays?.ToString(CultureInfo.InvariantCulture);
        Language = current.Language;
        RejectFailedVerification = current.RejectFailedVerification ?? false;
        ShowVoicemail(current.Voicemail, follows: false);
        VoicemailRetentionDays = current.VoicemailRetentionDays?.ToString(CultureInfo.InvariantCulture);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        int? maxAge = null;
        if (!string.IsNullOrWhiteSpace(LastTextMaxAgeDays))
        {
            if (!int.TryParse(LastTextMaxAgeDays, NumberStyles.None, CultureInfo.InvariantCulture, out var days))
            {
                return Refused(
                    Refusal.OnField(
                        "lastTextMaxAgeDays",
                        $"must be a whole number of days between 1 and {CallOptionSettings.MaxAgeDaysLimit}, " +
                        "or empty"));
            }

            maxAge = days;
        }

        int? retention = null;
        if (!string.IsNullOrWhiteSpace(VoicemailRetentionDays))
        {
            if (!int.TryParse(VoicemailRetentionDays, NumberStyles.None, CultureInfo.InvariantCulture, out var days))
            {
                return Refused(
                    Refusal.OnField(
                        "voicemailRetentionDays",
                        $"must be a whole number of days between 1 and {CallOptionSettings.RetentionDaysLimit}"));
            }

            retention = days;
        }

        var voicemail = Voicemail();
        if (!voicemail.Done)
        {
            return Refused(voicemail.Refusal);
        }

        return Saved(await options.SetOrganizationAsync(
            OrganizationId,
            new OrganizationCallOptions(
                Fallback, Message, SayContactName, maxAge, voicemail.Value ?? new VoicemailBody(false, null, null),
                retention, RejectFailedVerification, ChosenLanguage),
            ct));
    }
}
