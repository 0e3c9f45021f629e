using System.Reflection;

namespace Switchboard.Tests.Support;

/// <summary>Rules of the suite itself, so that a new test cannot quietly miss one of the databases.</summary>
public sealed class SuiteRulesTests
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
            .Where(t => t.GetFields(BindingFlags.Instance | BindingFlags.NonPublic).Any(f => f.FieldType == typeof(SwitchboardApp)))
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
        .Where(a => a.AttributeType == typeof(TraitAttribute) && a.ConstructorArguments[0].Value as string == "Database")
        .Select(a => a.ConstructorArguments[1].Value as string)
        .FirstOrDefault();

    private static bool UsesBrowser(Type type) => type.GetInterfaces().Contains(typeof(IClassFixture<PanelBrowser>));
}
