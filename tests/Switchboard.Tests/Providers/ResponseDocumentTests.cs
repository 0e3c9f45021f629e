using System.Xml.Linq;
using Switchboard.Providers;

namespace Switchboard.Tests.Providers;

/// <summary>
/// The answer documents of every provider are written by hand (<see cref="ResponseDocument"/>): each must be the very
/// text XmlWriter wrote before, whatever the organization's words, URLs and numbers hold.
/// </summary>
public sealed class ResponseDocumentTests
{
    private const string Declaration = """<?xml version="1.0" encoding="UTF-8"?>""";

    // Markup's own characters, quotes, white space and line breaks, accents, a character beyond the BMP, a lone
    // surrogate and a control character (which XmlWriter refuses).
    private const string Alphabet = "aZ09 &<>\"'=/;:?.\t\n\r\u00e9\u00f1\u4e2d\ud83d\ude00\ud800\u0001\u007f\u00a0";

    private static string AsXmlWriterWrites(XElement[] verbs) =>
        Declaration + new XElement("Response", verbs).ToString(SaveOptions.DisableFormatting);

    private static void AssertSameAsXmlWriter(params XElement[] verbs)
    {
        string expected;
        try
        {
            expected = AsXmlWriterWrites(verbs);
        }
        catch (ArgumentException)
        {
            // XmlWriter refuses the character: so does the document, rather than write markup a provider rejects.
            Assert.ThrowsAny<ArgumentException>(() => ResponseDocument.Write(verbs));
            return;
        }

        Assert.Equal(expected, ResponseDocument.Write(verbs));
    }

    [Fact]
    public void Write_EmptyVerbsAndEmptyWords_AreWrittenAsXmlWriterWritesThem()
    {
        Assert.Equal(Declaration + "<Response />", ResponseDocument.Write());
        Assert.Equal(
            Declaration + """<Response><Hangup /><Say voice="alice"></Say></Response>""",
            ResponseDocument.Write(new XElement("Hangup"), new XElement("Say", new XAttribute("voice", "alice"), "")));
    }

    [Theory]
    [InlineData("Tom & Jerry's <b>\"team\"</b> > all")]
    [InlineData("https://example.org/calls/1/end?lang=es&voice=\"x\"")]
    [InlineData("line one\nline two\r\nthree\ttabbed")]
    [InlineData("Llamó fuera del horario — 你好 😀")]
    [InlineData("bell \u0007")]
    public void Write_WordsAndAttributesWithMarkupCharacters_MatchXmlWriter(string words) =>
        AssertSameAsXmlWriter(
            new XElement("Say", new XAttribute("language", words), words),
            new XElement(
                "Dial", new XAttribute("action", words), new XElement("Number", new XAttribute("url", words), words)));

    [Fact]
    public void Write_ThousandsOfRandomValues_MatchXmlWriter()
    {
        var random = new Random(27);
        for (var i = 0; i < 3_000; i++)
        {
            var value = new string(Enumerable.Range(0, random.Next(0, 12))
                .Select(_ => Alphabet[random.Next(Alphabet.Length)])
                .ToArray());
            AssertSameAsXmlWriter(
                new XElement("Gather", new XAttribute("action", value), new XElement("Say", value)),
                new XElement("Hangup"));
        }
    }
}
