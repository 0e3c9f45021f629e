namespace Switchboard.Tests.Support;

/// <summary>
/// Rules of the repository's docs, so that the README stays a front door and no doc or source leads nowhere or
/// outside the repository (beside <see cref="SuiteRulesTests"/>, the rules of the suite).
/// </summary>
public sealed class DocsRulesTests
{
    /// <summary>The README is the front door; details live in docs/ and are linked from it.</summary>
    [Fact]
    public void TheReadmeFitsOnAFewScreens()
    {
        var size = new FileInfo(Path.Combine(RepositoryFiles.Root(), "README.md")).Length;

        Assert.True(size < 15_000, $"README.md is {size:N0} bytes; keep it under 15,000 and move details to docs/.");
    }

    [Fact]
    public void EveryRelativeLinkOfTheReadmeAndTheDocsLeadsToAFileOrHeadingOfTheRepository()
    {
        var root = RepositoryFiles.Root();

        Assert.Empty(RepositoryFiles.BrokenLinks(root, RepositoryFiles.Docs(root)));
    }

    [Fact]
    public void EveryPathTheReadmeAndTheDocsNameExists()
    {
        var root = RepositoryFiles.Root();

        Assert.Empty(RepositoryFiles.MissingNamedPaths(root, RepositoryFiles.Docs(root)));
    }

    /// <summary>
    /// The product's rules are in docs/routing.md (R1–R8, B1–B4). A citation of a contract file the repository
    /// does not hold would send the reader outside it.
    /// </summary>
    [Fact]
    public void NoFileCitesAContractTheRepositoryDoesNotHold()
    {
        var outsideContract = "SPEC" + ".md"; // spelled in two parts so that this file does not cite it

        Assert.Empty(RepositoryFiles.TextFilesContaining(RepositoryFiles.Root(), outsideContract));
    }

    [Fact]
    public void TheLinkCheckFindsDeadFilesDeadHeadingsLinksOutOfTheRepositoryAndMovedPaths()
    {
        var root = Directory.CreateTempSubdirectory("link-check-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "docs", "screenshots"));
            File.WriteAllText(Path.Combine(root, "docs", "screenshots", "a.png"), "");
            File.WriteAllText(Path.Combine(root, "docs", "guide.md"), """
                # Guide
                ## R1–R3. Deciding a call (the rules)
                ## Faults
                ## Faults
                <a id="kept"></a>
                """);
            File.WriteAllText(Path.Combine(root, "README.md"), """
                Good: [guide](docs/guide.md), [rules](docs/guide.md#r1r3-deciding-a-call-the-rules),
                [second](docs/guide.md#faults-1), [id](docs/guide.md#kept), ![a](docs/screenshots/a.png),
                [top](#readme),
                [folder](docs/), [site](https://example.org/x), `[code](nowhere.md)`, <img src="docs/screenshots/a.png">
                # Readme
                ```
                [fenced](nowhere.md)
                ```
                Bad: [gone](docs/missing.md) and [anchor](docs/guide.md#no-such-heading)
                [out](../outside/rules.md) ![img](docs/screenshots/b.png) [here](#nowhere)
                """);
            File.WriteAllText(
                Path.Combine(root, "docs", "back.md"),
                "[readme](../README.md) [out](../../elsewhere.md)\n" +
                    "`docs/guide.md`, `docs/screenshots/`, `src/Switchboard/Storage/Migrations/{Sqlite,Postgres}`, " +
                    "`src/Moved.cs`\n");

            var broken = RepositoryFiles.BrokenLinks(root, RepositoryFiles.Docs(root));
            var missing = RepositoryFiles.MissingNamedPaths(root, RepositoryFiles.Docs(root));

            Assert.Equal(
            [
                "README.md:9: (docs/missing.md) no such file",
                "README.md:9: (docs/guide.md#no-such-heading) no heading #no-such-heading in docs/guide.md",
                "README.md:10: (../outside/rules.md) leaves the repository",
                "README.md:10: (docs/screenshots/b.png) no such file",
                "README.md:10: (#nowhere) no heading #nowhere in README.md",
                "docs/back.md:1: (../../elsewhere.md) leaves the repository",
            ], broken);
            Assert.Equal(["docs/back.md:2: src/Moved.cs"], missing);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
