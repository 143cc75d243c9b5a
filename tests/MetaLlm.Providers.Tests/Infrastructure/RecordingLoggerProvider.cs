using Microsoft.Extensions.Logging;

namespace MetaLlm.Providers.Tests;

/// <summary>Keeps every formatted log message, so tests can check what the router logs (and what it must not).</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider, ILogger
{
    private readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_messages)
        {
            _messages.Add(formatter(state, exception) + (exception is null ? string.Empty : " | " + exception.Message));
        }
    }

    public void Dispose()
    {
    }
}
