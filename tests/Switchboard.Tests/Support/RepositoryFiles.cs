using System.Text;
using System.Text.RegularExpressions;

namespace Switchboard.Tests.Support;

/// <summary>The repository's own files, read by the rules that keep its docs whole (see DocsRulesTests).</summary>
internal static partial class RepositoryFiles
{
    /// <summary>Build output and tools' folders, which are not the repository's text.</summary>
    private static readonly HashSet<string> SkippedFolders = [".git", "bin", "obj", "TestResults", "node_modules"];

    /// <summary>The folder holding Switchboard.slnx, found upwards from the test assembly.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchboard.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Switchboard.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>README.md and every Markdown file under docs/.</summary>
    public static IEnumerable<string> Docs(string root) =>
        new[] { Path.Combine(root, "README.md") }.Where(File.Exists)
            .Concat(Directory.Exists(Path.Combine(root, "docs"))
                ? Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Order()
                : []);

    /// <summary>
    /// Every text file of the tree (binary files, such as screenshots, left out), as paths from the root.
    /// </summary>
    public static IEnumerable<string> TextFilesContaining(string root, string text) =>
        TextFiles(new DirectoryInfo(root))
            .Where(file => File.ReadAllText(file.FullName).Contains(text, StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(root, file.FullName));

    private static IEnumerable<FileInfo> TextFiles(DirectoryInfo folder) =>
        folder.EnumerateFiles().Where(IsText)
            .Concat(folder.EnumerateDirectories().Where(d => !SkippedFolders.Contains(d.Name)).SelectMany(TextFiles));

    private static bool IsText(FileInfo file)
    {
        using var stream = file.OpenRead();
        var head = new byte[8000];
        return Array.IndexOf(head, (byte)0, 0, stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)) < 0;
    }

    /// <summary>
    /// Every relative link or image of the given Markdown files that leads nowhere: a file or folder that does not
    /// exist, a heading (#anchor) that a Markdown file does not have, or a place outside <paramref name="root"/>.
    /// Links with a scheme (https:, mailto:) are not followed.
    /// </summary>
    public static IReadOnlyList<string> BrokenLinks(string root, IEnumerable<string> markdownFiles)
    {
        root = Path.GetFullPath(root);
        var broken = new List<string>();
        foreach (var file in markdownFiles.Select(Path.GetFullPath))
        {
            foreach (var (line, target) in Links(File.ReadAllLines(file)))
            {
                var problem = Problem(root, file, target);
                if (problem is not null)
                {
                    broken.Add($"{Path.GetRelativePath(root, file)}:{line}: ({target}) {problem}");
                }
            }
        }

        return broken;
    }

    private static string? Problem(string root, string file, string target)
    {
        if (SchemePattern().IsMatch(target))
        {
            return null;
        }

        var hash = target.IndexOf('#');
        var pathPart = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
        var anchor = hash < 0 ? null : target[(hash + 1)..];
        var resolved = pathPart.Length == 0 ? file
            : Path.GetFullPath(
                pathPart.StartsWith('/')
                    ? Path.Combine(root, pathPart.TrimStart('/'))
                    : Path.Combine(Path.GetDirectoryName(file)!, pathPart));

        if (resolved != root && !resolved.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return "leaves the repository";
        }

        if (!File.Exists(resolved) && !Directory.Exists(resolved))
        {
            return "no such file";
        }

        if (anchor is not null
            && resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase)
            && !Anchors(File.ReadAllLines(resolved)).Contains(anchor))
        {
            return $"no heading #{anchor} in {Path.GetRelativePath(root, resolved)}";
        }

        return null;
    }

    /// <summary>
    /// Paths of the repository that the given Markdown files name as code (`src/…`, `tests/…`, `bench/…`, `docs/…`)
    /// and that do not exist, so that a file moved by a refactor cannot leave a doc pointing at its old place.
    /// Patterns (`*`, `{a,b}`, `…`) are not checked.
    /// </summary>
    public static IReadOnlyList<string> MissingNamedPaths(string root, IEnumerable<string> markdownFiles) =>
        markdownFiles
            .SelectMany(file => File.ReadAllLines(file).SelectMany((line, i) => NamedPathPattern().Matches(line)
                .Select(m => (File: file, Line: i + 1, Path: m.Groups["path"].Value))))
            .Where(named => named.Path.IndexOfAny(['*', '{', '…']) < 0)
            .Where(named => !File.Exists(Path.Combine(root, named.Path))
                && !Directory.Exists(Path.Combine(root, named.Path)))
            .Select(named => $"{Path.GetRelativePath(root, named.File)}:{named.Line}: {named.Path}")
            .ToList();

    /// <summary>Link targets with their line numbers, outside fenced code blocks and inline code.</summary>
    private static IEnumerable<(int Line, string Target)> Links(string[] lines)
    {
        var fenced = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (FencePattern().IsMatch(lines[i]))
            {
                fenced = !fenced;
                continue;
            }

            if (fenced)
            {
                continue;
            }

            var text = InlineCodePattern().Replace(lines[i], "");
            foreach (Match link in LinkPattern().Matches(text))
            {
                yield return (i + 1, link.Groups["target"].Value);
            }
        }
    }

    /// <summary>
    /// The anchors GitHub gives a Markdown file's headings (a repeated one gets -1, -2, …), and its HTML ids.
    /// </summary>
    public static HashSet<string> Anchors(string[] lines)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var fenced = false;
        foreach (var line in lines)
        {
            if (FencePattern().IsMatch(line))
            {
                fenced = !fenced;
                continue;
            }

            if (fenced)
            {
                continue;
            }

            foreach (Match id in HtmlIdPattern().Matches(line))
            {
                anchors.Add(id.Groups["id"].Value);
            }

            var heading = HeadingPattern().Match(line);
            if (heading.Success)
            {
                var slug = Slug(heading.Groups["text"].Value);
                var unique = slug;
                for (var n = 1; !anchors.Add(unique); n++)
                {
                    unique = $"{slug}-{n}";
                }
            }
        }

        return anchors;
    }

    /// <summary>
    /// GitHub's anchor for a heading: lower case, links by their text, punctuation dropped, each space a hyphen.
    /// </summary>
    public static string Slug(string heading)
    {
        var slug = new StringBuilder();
        foreach (var c in InlineLinkPattern().Replace(heading.Trim(), "${text}").ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex SchemePattern();

    [GeneratedRegex(@"^\s*(```|~~~)")]
    private static partial Regex FencePattern();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex InlineCodePattern();

    [GeneratedRegex(
        @"\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)|^\s*\[[^\]]+\]:\s*(?<target>\S+)|" +
        @"\b(?:href|src)=""(?<target>[^""]+)""")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"\[(?<text>[^\]]*)\]\([^)]*\)")]
    private static partial Regex InlineLinkPattern();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.*?)\s*#*\s*$")]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"`(?<path>(?:src|tests|bench|docs)/[^`\s]*)`")]
    private static partial Regex NamedPathPattern();

    [GeneratedRegex(@"<a\s+(?:id|name)=""(?<id>[^""]+)""")]
    private static partial Regex HtmlIdPattern();
}
