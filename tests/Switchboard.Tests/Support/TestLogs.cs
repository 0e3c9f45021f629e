using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Switchboard.Tests.Support;

/// <summary>
/// Keeps every log line the app writes, with its exception, so tests can check what reaches the logs; and adds each
/// to <see cref="RunLog"/>, the log of the whole test run that <see cref="Reliability.LogScanTests"/> scans at the end.
/// </summary>
public sealed class TestLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(
            LogLevel logLevel,
            EventId eventId,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel} {category}: {formatter(state, exception)} {exception}";
            lines.Enqueue(line);
            RunLog.Append(line);
        }
    }
}

/// <summary>
/// Every log line of every app of this test process (the in-process apps and the real processes the tests start):
/// in memory, and appended to the file named by <c>SWITCHBOARD_TEST_LOG</c> when it is set, as <c>./test.sh</c> does
/// for both database passes so that one scan at the end covers the whole run.
/// </summary>
public static class RunLog
{
    public const string FileVariable = "SWITCHBOARD_TEST_LOG";

    private static readonly ConcurrentQueue<string> InMemory = new();
    private static readonly Lock Writing = new();
    private static readonly StreamWriter? File = Open();

    public static IReadOnlyList<string> Lines => [.. InMemory];

    public static void Append(string line)
    {
        InMemory.Enqueue(line);
        if (File is null)
        {
            return;
        }

        lock (Writing)
        {
            // One record per line: a line break inside a message would otherwise split it (the scan reads lines).
            File.WriteLine(
                line.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal));
        }
    }

    private static StreamWriter? Open() =>
        Environment.GetEnvironmentVariable(FileVariable) is { Length: > 0 } path
            ? new StreamWriter(
                new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true }
            : null;
}
