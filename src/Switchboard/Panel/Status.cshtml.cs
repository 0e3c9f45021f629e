using Microsoft.AspNetCore.Mvc;

namespace Switchboard.Panel;

/// <summary>
/// What the panel shows instead of a bare status code: 403 for an agent on an admin page, 404, a failure.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class StatusModel : PanelPage
{
    public string Title { get; private set; } = "";

    public string Text { get; private set; } = "";

    public void OnGet(int code) => Show(code);

    public void OnPost(int code) => Show(code);

    private void Show(int code)
    {
        (Title, Text) = code switch
        {
            StatusCodes.Status403Forbidden =>
                ("You cannot open this page", "This page is for the admins of your organization. " +
                    "Ask one of them if a setting needs changing."),
            StatusCodes.Status404NotFound =>
                ("Page not found", "There is no such page, or what it showed no longer exists."),
            StatusCodes.Status400BadRequest =>
                ("The form could not be sent", "The page was open too long or came from elsewhere. Go back, " +
                    "reload the page and try again."),
            _ => ("Something went wrong", "Switchboard could not do that just now. Try again in a moment."),
        };
        Response.StatusCode = code is >= 400 and <= 599 ? code : StatusCodes.Status500InternalServerError;
    }
}
