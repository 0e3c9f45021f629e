using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Switchboard.Providers;

/// <summary>
/// The text of a provider's answer — <c>&lt;?xml …?&gt;&lt;Response&gt;…&lt;/Response&gt;</c> — for TwiML, TeXML and
/// BXML alike, exactly as <see cref="XNode.ToString(SaveOptions)"/> writes it without formatting. Written here rather
/// than by an <see cref="XmlWriter"/>, which allocates ~17 kB of buffers per document: a third of all a routed call
/// allocated (docs/performance.md, stop 27). A value with a character an XmlWriter would rewrite or refuse (control
/// characters and line breaks, surrogates) is left to the XmlWriter, so the text never differs from it.
/// </summary>
public static class ResponseDocument
{
    private const string Declaration = """<?xml version="1.0" encoding="UTF-8"?>""";

    public static string Write(params XElement[] verbs)
    {
        var response = new XElement("Response", verbs);
        var text = new StringBuilder(1024).Append(Declaration);
        return TryAppend(text, response)
            ? text.ToString()
            : Declaration + response.ToString(SaveOptions.DisableFormatting);
    }

    private static bool TryAppend(StringBuilder text, XElement element)
    {
        if (element.Name.Namespace != XNamespace.None)
        {
            return false;
        }

        text.Append('<').Append(element.Name.LocalName);
        foreach (var attribute in element.Attributes())
        {
            if (attribute.Name.Namespace != XNamespace.None)
            {
                return false;
            }

            text.Append(' ').Append(attribute.Name.LocalName).Append("=\"");
            if (!TryEscape(text, attribute.Value, inAttribute: true))
            {
                return false;
            }

            text.Append('"');
        }

        if (element.IsEmpty)
        {
            text.Append(" />");
            return true;
        }

        text.Append('>');
        foreach (var node in element.Nodes())
        {
            var written = node switch
            {
                XElement child => TryAppend(text, child),
                XText { NodeType: XmlNodeType.Text } words => TryEscape(text, words.Value, inAttribute: false),
                _ => false,
            };
            if (!written)
            {
                return false;
            }
        }

        text.Append("</").Append(element.Name.LocalName).Append('>');
        return true;
    }

    private static bool TryEscape(StringBuilder text, string value, bool inAttribute)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '&':
                    text.Append("&amp;");
                    break;
                case '<':
                    text.Append("&lt;");
                    break;
                case '>':
                    text.Append("&gt;");
                    break;
                case '"' when inAttribute:
                    text.Append("&quot;");
                    break;
                case < ' ' or (>= '\uD800' and <= '\uDFFF') or '\uFFFE' or '\uFFFF':
                    return false;
                default:
                    text.Append(c);
                    break;
            }
        }

        return true;
    }
}
