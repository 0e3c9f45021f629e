using System.Reflection;

namespace Switchboard.Tests.Support;

/// <summary>Rules of the suite itself, so that a new test cannot quietly miss one of the databases.</summary>
public sealed class SuiteRulesTests
{
    [Fact]
    public void EveryTestClassOnTheRealAppRunsOnBothDatabases()
    {
        var classes = typeof(SuiteRulesTests).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>().Any()))
            .Where(t => t.GetFields(BindingFlags.Instance | BindingFlags.NonPublic).Any(f => f.FieldType == typeof(SwitchboardApp)))
            .ToList();

        var missing = classes
            .Where(t => !t.GetCustomAttributesData().Any(a => a.AttributeType == typeof(TraitAttribute) && a.ConstructorArguments[0].Value as string == "Database"))
            .Select(t => t.Name)
            .ToList();

        Assert.NotEmpty(classes);
        Assert.Empty(missing);
    }
}
