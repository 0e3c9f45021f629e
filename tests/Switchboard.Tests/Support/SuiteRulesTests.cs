using System.Reflection;
using System.Text.RegularExpressions;

namespace Switchboard.Tests.Support;

/// <summary>
/// Rules of the suite and of the tree, so that a new test cannot quietly miss one of the databases, nor a new file tie
/// two features together.
/// </summary>
public sealed partial class SuiteRulesTests
{
    /// <remarks>
    /// Browser tests are the one exception: they run once, on SQLite (<c>Database=sqlite</c>), because the pages
    /// call the same services whose storage the API tests run on both databases, and a second pass would double
    /// the suite's slowest part for nothing new.
    /// </remarks>
    [Fact]
    public void EveryTestClassOnTheRealAppRunsOnBothDatabasesButTheBrowserTestsRunOnSqlite()
    {
        var classes = typeof(SuiteRulesTests).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>().Any()))
            .Where(t => t.GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
                .Any(f => f.FieldType == typeof(SwitchboardApp)))
            .ToList();

        var wrong = classes
            .Where(t => (Database(t), UsesBrowser(t)) is not (("yes" or "postgres"), false) and not ("sqlite", true))
            .Select(t => $"{t.Name} (Database={Database(t) ?? "none"})")
            .ToList();

        Assert.NotEmpty(classes);
        Assert.Contains(classes, UsesBrowser);
        Assert.Empty(wrong);
    }

    private static string? Database(Type type) => type.GetCustomAttributesData()
        .Where(a => a.AttributeType == typeof(TraitAttribute)
            && a.ConstructorArguments[0].Value as string == "Database")
        .Select(a => a.ConstructorArguments[1].Value as string)
        .FirstOrDefault();

    private static bool UsesBrowser(Type type) => type.GetInterfaces().Contains(typeof(IClassFixture<PanelBrowser>));

    /// <summary>
    /// The top-level namespaces of the app (a feature, the kernel, storage…) depend on each other one way only:
    /// Storage knows no feature, Calls raises Events but Events knows no call, and so on. A dependency is a
    /// <c>using</c> of another namespace, or a name qualified with it, in any C# or Razor file of the folder.
    /// </summary>
    [Fact]
    public void NoTwoTopLevelNamespacesOfTheAppDependOnEachOther()
    {
        var source = Path.Combine(RepositoryRoot(), "src", "Switchboard");
        var typesOf = typeof(Program).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("Switchboard.", StringComparison.Ordinal) == true)
            .GroupBy(t => t.Namespace!.Split('.')[1])
            .ToDictionary(g => g.Key, g => g.Select(t => t.Name.Split('`')[0]).ToHashSet());
        var edges = new Dictionary<string, HashSet<string>>();
        foreach (var folder in Directory.GetDirectories(source)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(typesOf.ContainsKey))
        {
            var files = Directory.EnumerateFiles(Path.Combine(source, folder), "*.*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".cs", StringComparison.Ordinal)
                    || f.EndsWith(".cshtml", StringComparison.Ordinal));
            edges[folder] = files.SelectMany(f => DependenciesOf(File.ReadAllText(f), typesOf))
                .Where(n => n != folder)
                .ToHashSet();
        }

        Assert.Contains("Events", edges["Calls"]);
        Assert.True(edges.Count >= 10, $"only {edges.Count} top-level namespaces found under {source}");
        Assert.Null(FindCycle(edges));
    }

    /// <summary>
    /// No line of C# or Razor is longer than .editorconfig's <c>max_line_length</c> (120), so code reads side by side
    /// in a review without scrolling. EF's generated migrations and compiled models are left as the tool writes them.
    /// </summary>
    [Fact]
    public void NoLineOfCodeIsLongerThan120Characters()
    {
        var root = RepositoryRoot();

        var tooLong = LongLines(root);

        Assert.True(Directory.Exists(Path.Combine(root, "bench")), "bench/ not found: the rule would miss it");
        Assert.True(
            tooLong.Count == 0,
            $"{tooLong.Count} lines over {MaxLineLength} characters:\n" + string.Join('\n', tooLong));
    }

    [Fact]
    public void TheLineLengthRuleNamesFileAndLineAndLeavesMigrationsAndBuildOutputAlone()
    {
        var root = Directory.CreateTempSubdirectory("line-length-").FullName;
        try
        {
            void Write(string path, params string[] lines)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
                File.WriteAllText(Path.Combine(root, path), string.Join('\n', lines) + "\n");
            }

            var longest = new string('x', MaxLineLength);
            Write("src/App/Fits.cs", longest, "    " + longest[4..]);
            Write("src/App/Calls.cs", "namespace App;", longest + ";", "// é" + longest[..^4]);
            Write("tests/App.Tests/Page.cshtml", "<p>", "\t" + longest, "</p>");
            Write("bench/Bench/Program.cs", longest + "\r");
            Write("src/App/Storage/Migrations/Sqlite/20260101000000_Initial.cs", longest + "y");
            Write("src/App/CompiledModels/Sqlite/CallEntityType.cs", longest + "y");
            Write("src/App/obj/Release/App.g.cs", longest + "y");
            Write("src/App/bin/Release/Generated.cs", longest + "y");
            Write("src/App/notes.md", longest + "y");

            Assert.Equal(
                [
                    "src/App/Calls.cs:2 (121 characters)",
                    "tests/App.Tests/Page.cshtml:2 (121 characters)",
                ],
                LongLines(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private const int MaxLineLength = 120;

    /// <summary>
    /// Lines of the C# and Razor files under src/, tests/ and bench/ longer than <see cref="MaxLineLength"/>, as
    /// <c>path:line (length characters)</c>; generated migrations (with their designer files and model snapshots),
    /// compiled models, bin/ and obj/ are skipped.
    /// </summary>
    private static List<string> LongLines(string root) =>
        new[] { "src", "tests", "bench" }
            .Select(folder => Path.Combine(root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/Migrations/", StringComparison.Ordinal)
                && !f.Contains("/CompiledModels/", StringComparison.Ordinal)
                && !f.Contains("/bin/", StringComparison.Ordinal)
                && !f.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .SelectMany(f => File.ReadLines(Path.Combine(root, f))
                .Select((line, i) => (Line: i + 1, Length: line.TrimEnd('\r').Length))
                .Where(l => l.Length > MaxLineLength)
                .Select(l => $"{f}:{l.Line} ({l.Length} characters)"))
            .ToList();

    [Fact]
    public void TheCycleRuleSeesUsingsAndQualifiedNamesButNotStrings()
    {
        var types = new Dictionary<string, HashSet<string>> { ["Calls"] = ["CallRecord"], ["Events"] = ["CallEvent"] };

        Assert.Equal(["Calls"], DependenciesOf("using Switchboard.Calls;\nclass A;", types));
        Assert.Equal(["Events"], DependenciesOf("@using Switchboard.Events\n<p></p>", types));
        Assert.Equal(["Calls"], DependenciesOf("var c = new Calls.CallRecord();", types));
        Assert.Empty(DependenciesOf("b.Entity(\"Switchboard.Calls.CallRecord\"); db.Calls.CallRecord();", types));
        Assert.Equal(
            "Calls -> Events -> Calls",
            FindCycle(new() { ["Calls"] = ["Events"], ["Events"] = ["Calls"], ["Kernel"] = [] }));
    }

    private static IEnumerable<string> DependenciesOf(string text, IReadOnlyDictionary<string, HashSet<string>> typesOf)
    {
        foreach (Match m in UsingOrQualified().Matches(text))
        {
            var name = m.Groups["ns"].Value;
            if (typesOf.ContainsKey(name) && (m.Groups["using"].Success || m.Groups["full"].Success))
            {
                yield return name;
            }
        }

        foreach (Match m in RelativeName().Matches(text))
        {
            if (typesOf.TryGetValue(m.Groups["ns"].Value, out var types) && types.Contains(m.Groups["type"].Value))
            {
                yield return m.Groups["ns"].Value;
            }
        }
    }

    /// <returns>The first cycle found, as "A -> B -> A", or null.</returns>
    private static string? FindCycle(Dictionary<string, HashSet<string>> edges)
    {
        var done = new HashSet<string>();
        var path = new List<string>();
        string? Visit(string node)
        {
            if (path.IndexOf(node) is var at and >= 0)
            {
                return string.Join(" -> ", path.Skip(at).Append(node));
            }

            if (!done.Add(node))
            {
                return null;
            }

            path.Add(node);
            var found = edges.GetValueOrDefault(node, [])
                .Order(StringComparer.Ordinal)
                .Select(Visit)
                .FirstOrDefault(c => c is not null);
            path.RemoveAt(path.Count - 1);
            return found;
        }

        return edges.Keys.Order(StringComparer.Ordinal).Select(Visit).FirstOrDefault(c => c is not null);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Switchboard.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName
            ?? throw new InvalidOperationException("Switchboard.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(
        """(?m)(?<using>^\s*@?(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?Switchboard\.)(?<ns>\w+)|""" +
        """(?<full>(?<![\w."])Switchboard\.)(?<ns>\w+)\.""")]
    private static partial Regex UsingOrQualified();

    [GeneratedRegex("""(?<![\w."])(?<ns>[A-Z]\w*)\.(?<type>[A-Z]\w*)""")]
    private static partial Regex RelativeName();
}
