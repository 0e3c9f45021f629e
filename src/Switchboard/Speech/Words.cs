using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Switchboard.Routing;

namespace Switchboard.Speech;

/// <summary>
/// The words Switchboard speaks itself, one JSON file per language (Speech/en-US.json, Speech/es-US.json, embedded):
/// the agent's prompt, the stock unavailable and after-hours messages and the voicemail prompt, and the voice that says
/// them.
/// </summary>
public sealed record Words
{
    private static readonly FrozenDictionary<string, Words> ByLanguage =
        CallerLanguage.All.ToFrozenDictionary(language => language, Load);

    /// <summary>The provider's voice for this language; null: the provider's default (English).</summary>
    public string? Voice { get; init; }

    /// <summary>The <c>language</c> attribute of <c>&lt;Say&gt;</c>; null: the provider's default (English).</summary>
    public string? SayLanguage { get; init; }

    public required string Unavailable { get; init; }
    public required string AfterHours { get; init; }

    /// <summary>
    /// The stock message before a voicemail: no "try again later", since the caller may leave one now.
    /// </summary>
    public required string VoicemailUnavailable { get; init; }

    /// <summary>Closed now, before a voicemail: no "call again", since the caller may leave a message now.</summary>
    public required string AfterHoursVoicemail { get; init; }

    public required string VoicemailPrompt { get; init; }
    public required string VoicemailThanks { get; init; }
    public required string Prompt { get; init; }
    public required string AContact { get; init; }
    public required string NamedContact { get; init; }
    public required string Group { get; init; }
    public required string Inbox { get; init; }
    public required string Texted { get; init; }
    public required string JustNow { get; init; }
    public required string Minute { get; init; }
    public required string Minutes { get; init; }
    public required string Hour { get; init; }
    public required string Hours { get; init; }
    public required string Day { get; init; }
    public required string Days { get; init; }
    public required string Month { get; init; }
    public required string Months { get; init; }

    public static Words English => ByLanguage[CallerLanguage.English];

    /// <summary>The words of a language; an unknown or missing one gets English.</summary>
    public static Words For(string? language) =>
        language is not null && ByLanguage.TryGetValue(language, out var words) ? words : English;

    /// <summary>How long ago, e.g. "3 hours ago" / "hace 3 horas".</summary>
    public string Ago(TimeSpan elapsed) => elapsed switch
    {
        { TotalMinutes: < 1 } => JustNow,
        { TotalMinutes: < 60 } => Count((int)elapsed.TotalMinutes, Minute, Minutes),
        { TotalHours: < 48 } => Count((int)elapsed.TotalHours, Hour, Hours),
        { TotalDays: < 60 } => Count((int)elapsed.TotalDays, Day, Days),
        _ => Count((int)(elapsed.TotalDays / 30), Month, Months),
    };

    private static string Count(int n, string one, string many) =>
        (n == 1 ? one : many).Replace("{n}", n.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static Words Load(string language)
    {
        using var stream = typeof(Words).Assembly.GetManifestResourceStream($"Switchboard.Speech.{language}.json")
            ?? throw new InvalidOperationException($"The words for {language} are not embedded");
        return JsonSerializer.Deserialize(stream, WordsJson.Default.Words)
            ?? throw new InvalidOperationException($"The words for {language} are empty");
    }
}

/// <summary>
/// The words' JSON contract, generated at build: read by reflection it took ~60 ms of a start, before the first call.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Words))]
internal sealed partial class WordsJson : JsonSerializerContext;
