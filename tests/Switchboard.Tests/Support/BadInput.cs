using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Tests.Support;

/// <summary>
/// A small seeded generator of hostile input: random and malformed JSON, bodies of the right shape with nasty
/// values (script, SQL, control characters, invalid UTF-8, very long strings, wrong JSON kinds), deep nesting and
/// wrong content types. Every case comes from a <see cref="Random"/> with a fixed seed, so a failure reproduces.
/// </summary>
public sealed class BadInput(int seed)
{
    /// <summary>Names that must be stored and shown exactly as given, and never run.</summary>
    public static readonly string[] ScriptAndSql =
    [
        "<script>window.__pwned = 1</script>",
        "<img src=x onerror=\"window.__pwned = 1\">",
        "\"><svg onload=alert(1)>",
        "Robert'); DROP TABLE Groups;--",
        "' OR '1'='1",
        "1; SELECT * FROM ApiKeys --",
        "%s%s%n{0}${jndi:ldap://x}",
        "../../etc/passwd",
        "Zoë 🚀 عربى 中文",
    ];

    private static readonly string[] ControlCharacters =
    [
        "\u0000",
        "\u0001",
        "\u0007",
        "\b",
        "\u001b[31m",
        "\u007f",
        "\u0085",
        "\u200b",
        "\u202e",
        "\u2028",
        "\ufeff",
        "\r\n",
    ];

    private static readonly string[] PhoneLike =
    [
        "+14155550111",
        "(415) 555-0199",
        "+1 555 0100",
        "+",
        "+999999999999999999",
        "00000",
        "4155550100",
        "+44 20 7946 0958",
        "١٢٣",
    ];

    private static readonly string[] FieldNames =
    [
        "name",
        "email",
        "phone",
        "role",
        "active",
        "mode",
        "forwardTo",
        "number",
        "groupId",
        "inboxId",
        "agentId",
        "messages",
        "contact",
        "url",
        "secret",
        "password",
        "id",
        "from",
        "sentAt",
        "dataRetentionDays",
    ];

    private readonly Random _random = new(seed);

    public int Next(int max) => _random.Next(max);

    public int Next(int min, int max) => _random.Next(min, max);

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>
    /// A string meant to hurt: script, SQL, control characters, phone-like text, unicode, or very long.
    /// </summary>
    public string NastyString() => _random.Next(8) switch
    {
        0 => Pick(ScriptAndSql),
        1 => "a" + Pick(ControlCharacters) + "b",
        2 => Pick(PhoneLike),
        3 => string.Concat(Enumerable.Repeat(Pick(["x", "é", "😀", "<", "'", "\""]), _random.Next(150, 20_000))),
        4 => "",
        5 => "   ",
        6 => RandomText(_random.Next(1, 40)),
        _ => Pick(ScriptAndSql) + Pick(ControlCharacters),
    };

    /// <summary>
    /// Printable and unprintable characters of every plane (lone surrogates are in <see cref="InvalidUtf8Json"/>).
    /// </summary>
    public string RandomText(int length)
    {
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(_random.Next(5) switch
            {
                0 => (char)_random.Next(0, 32),
                1 => char.ConvertFromUtf32(_random.Next(0x10000, 0x110000)),
                2 => (char)_random.Next(0x80, 0xD800),
                _ => (char)_random.Next(32, 127),
            });
        }

        return text.ToString();
    }

    /// <summary>
    /// A JSON value for a .NET type: mostly of the right kind with hostile content, sometimes of the wrong kind,
    /// sometimes null.
    /// </summary>
    public JsonNode? ValueFor(Type type, IReadOnlyList<long> ids, int depth = 0)
    {
        if (_random.Next(6) == 0)
        {
            return WrongKind(depth);
        }

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return NastyString();
        }

        if (underlying == typeof(long) || underlying == typeof(int))
        {
            return _random.Next(4) switch
            {
                0 => JsonValue.Create(Pick([0L, -1L, long.MaxValue, long.MinValue, int.MaxValue + 1L])),
                1 => JsonNode.Parse(Pick(["1e400", "3.5", "-0", "99999999999999999999999"])),
                _ => JsonValue.Create(ids.Count > 0 ? Pick(ids) : 1L),
            };
        }

        if (underlying == typeof(bool))
        {
            return _random.Next(2) == 0;
        }

        if (underlying.IsEnum)
        {
            return _random.Next(2) == 0
                ? JsonNamingPolicy.CamelCase.ConvertName(Pick(Enum.GetNames(underlying)))
                : NastyString();
        }

        if (underlying == typeof(DateTimeOffset) || underlying == typeof(DateTime))
        {
            return Pick(
                [
                    "2026-11-24T11:00:00Z",
                    "0001-01-01T00:00:00Z",
                    "9999-12-31T23:59:59Z",
                    "2026-13-45T99:00:00Z",
                    "yesterday",
                    "2026-11-24T11:00:00+14:00",
                ]);
        }

        if (underlying == typeof(JsonElement) || underlying == typeof(object) || underlying == typeof(JsonNode))
        {
            return RandomObject(depth);
        }

        if (depth < 4 && ElementType(underlying) is { } element)
        {
            var array = new JsonArray();
            for (var i = _random.Next(4) == 0 ? 0 : _random.Next(1, 6); i > 0; i--)
            {
                array.Add(ValueFor(element, ids, depth + 1));
            }

            return array;
        }

        if (depth < 4 && underlying.IsClass)
        {
            return ObjectFor(underlying, ids, depth + 1);
        }

        return WrongKind(depth);
    }

    /// <summary>
    /// An object with the type's properties (camelCase), some left out, some repeated or unknown ones added.
    /// </summary>
    public JsonObject ObjectFor(Type type, IReadOnlyList<long> ids, int depth = 0)
    {
        var json = new JsonObject();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead))
        {
            if (_random.Next(5) != 0)
            {
                json[JsonNamingPolicy.CamelCase.ConvertName(property.Name)] = ValueFor(
                    property.PropertyType,
                    ids,
                    depth);
            }
        }

        if (_random.Next(4) == 0)
        {
            json[Pick(["__proto__", "constructor", "$type", "unknown", RandomText(8)])] = WrongKind(depth + 1);
        }

        return json;
    }

    private JsonObject RandomObject(int depth)
    {
        var json = new JsonObject();
        for (var i = _random.Next(1, 5); i > 0; i--)
        {
            json[Pick(FieldNames)] = _random.Next(2) == 0 ? NastyString() : WrongKind(depth + 1);
        }

        return json;
    }

    private JsonNode? WrongKind(int depth) => _random.Next(depth > 3 ? 5 : 7) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next(2) == 0),
        2 => JsonValue.Create(_random.NextDouble() * 1e12),
        3 => NastyString(),
        4 => JsonValue.Create(-_random.Next()),
        5 => new JsonArray(NastyString(), null, 7),
        _ => RandomObject(depth + 1),
    };

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        return type.IsArray ? type.GetElementType() : type.GetGenericArguments().FirstOrDefault();
    }

    /// <summary>Random bytes, printable or not.</summary>
    public byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>JSON cut short, unbalanced, with trailing garbage, comments, single quotes or duplicate keys.</summary>
    public byte[] MalformedJson(string wellFormed) => Encoding.UTF8.GetBytes(_random.Next(8) switch
    {
        0 => wellFormed[..Math.Max(0, _random.Next(wellFormed.Length))],
        1 => wellFormed + "}",
        2 => wellFormed + " trailing",
        3 => "{'name': 'single quotes'}",
        4 => "/* comment */ " + wellFormed,
        5 => "{\"name\": \"a\", \"name\": 1, \"name\": null}",
        6 => "{\"name\": NaN, \"active\": undefined}",
        _ => new string(Pick("{}[]\":,".ToCharArray()), _random.Next(1, 200)),
    });

    /// <summary>Arrays or objects nested past any sensible depth.</summary>
    public byte[] DeeplyNested(int depth)
    {
        var objects = _random.Next(2) == 0;
        var text = new StringBuilder(depth * 8);
        for (var i = 0; i < depth; i++)
        {
            text.Append(objects ? "{\"name\":" : "[");
        }

        text.Append("\"x\"");
        for (var i = 0; i < depth; i++)
        {
            text.Append(objects ? '}' : ']');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>
    /// JSON whose string values carry bytes that are not UTF-8 (stray continuation bytes, overlong forms, encoded
    /// surrogates) or escaped lone surrogates.
    /// </summary>
    public byte[] InvalidUtf8Json(string wellFormed)
    {
        byte[][] bad =
        [
            [0xFF],
            [0xC3, 0x28],
            [0xC0, 0xAF],
            [0xED, 0xA0, 0x80],
            [0xF4, 0x90, 0x80, 0x80],
            [0x80],
            [0xE2, 0x82],
            "\\uD800"u8.ToArray(),
            "\\uDFFFx"u8.ToArray(),
        ];
        var bytes = Encoding.UTF8.GetBytes(wellFormed).ToList();
        var quotes = bytes.Select((b, i) => (b, i)).Where(p => p.b == (byte)'"').Select(p => p.i).ToList();
        var at = quotes.Count > 1 ? quotes[_random.Next(1, quotes.Count)] : bytes.Count;
        bytes.InsertRange(at, Pick(bad));
        return [.. bytes];
    }
}
