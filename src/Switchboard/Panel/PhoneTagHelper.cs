using Microsoft.AspNetCore.Razor.TagHelpers;
using Switchboard.Phones;

namespace Switchboard.Panel;

/// <summary>
/// <c>&lt;phone number="+14155550150" /&gt;</c> shows "(415) 555-0150", with the E.164 form on hover (its title);
/// a missing number shows <c>empty</c>.
/// </summary>
[HtmlTargetElement("phone", TagStructure = TagStructure.WithoutEndTag)]
public sealed class PhoneTagHelper(PhoneDisplay display) : TagHelper
{
    public string? Number { get; set; }

    public string Empty { get; set; } = "none";

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        output.TagMode = TagMode.StartTagAndEndTag;
        if (string.IsNullOrEmpty(Number))
        {
            output.TagName = null;
            output.Content.SetContent(Empty);
            return;
        }

        output.TagName = "span";
        if (PhoneDisplay.IsFull(Number))
        {
            output.Attributes.SetAttribute("title", Number);
        }

        output.Content.SetContent(display.Show(Number));
    }
}
