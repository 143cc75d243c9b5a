using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MetaLlm.Tests;

/// <summary>A logger factory that keeps every entry, with its level, rendered message, structured values and exception.</summary>
public sealed class RecordingLoggerFactory : ILoggerFactory, ILogger
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>Gets the entries logged so far, in order.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>Gets the decision ids of every "Routed" entry, in order.</summary>
    public IReadOnlyList<string> RoutedDecisionIds =>
        [.. Entries.Where(e => e.Values.ContainsKey("DecisionId") && e.Message.StartsWith("Routed", StringComparison.Ordinal)).Select(e => (string)e.Values["DecisionId"]!)];

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [];
        _entries.Enqueue(new LogEntry(logLevel, formatter(state, exception), values, exception));
    }

    public void Dispose()
    {
    }
}

/// <summary>One log entry.</summary>
public sealed record LogEntry(LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Values, Exception? Exception);
