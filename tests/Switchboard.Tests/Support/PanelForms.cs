using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Switchboard.Tests.Support;

/// <summary>
/// The panel's forms over plain HTTP, as a browser posts them (cookies kept, redirects not followed).
/// </summary>
public static partial class PanelForms
{
    public static HttpClient Browser(SwitchboardApp app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>Posts the sign-in form with the antiforgery token of the page the client just read.</summary>
    public static Task<HttpResponseMessage> SignInAsync(HttpClient browser, string email, string password) =>
        PostAsync(browser, "/panel/sign-in", "/panel/sign-in", new() { ["Email"] = email, ["Password"] = password });

    /// <summary>
    /// Reads <paramref name="formPage"/> for its antiforgery token, then posts the fields to <paramref name="action"/>.
    /// </summary>
    public static async Task<HttpResponseMessage> PostAsync(
        HttpClient browser,
        string formPage,
        string action,
        Dictionary<string, string> fields)
    {
        var page = await browser.GetStringAsync(formPage);
        fields["__RequestVerificationToken"] = AntiforgeryToken().Match(page).Groups[1].Value;
        return await browser.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
