using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaLlm;

/// <summary>
/// Saves a router's learned state periodically on a <see cref="TimeProvider"/> and once more when the host stops.
/// Starting it resolves the router, which loads the saved state before the first request.
/// </summary>
internal sealed partial class RouterStateAutosaveService : IHostedService, IDisposable
{
    private readonly Func<MetaLlmRouter> _router;
    private readonly Func<IRouterStateStore> _store;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _saving = new(1, 1);
    private Task? _loop;
    private long _savedFeedback = -1;
    private int _disposed;

    public RouterStateAutosaveService(Func<MetaLlmRouter> router, Func<IRouterStateStore> store, TimeSpan interval, TimeProvider timeProvider, ILogger? logger)
    {
        _router = router;
        _store = store;
        _interval = interval;
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger.Instance;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var router = _router();
        _savedFeedback = router.CreateSnapshot().FeedbackCount;
        if (_interval != Timeout.InfiniteTimeSpan)
        {
            _loop = RunAsync(router, _stopping.Token);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Disposed already (the container went first): the host is gone, there is nothing left to stop or save.
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        // The last save happens whatever the interval: what was learned since the last one is not lost on shutdown.
        await SaveAsync(_router(), force: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the periodic loop. The token source and the save gate are not disposed: a save still running when the
    /// container is disposed finishes (or sees its cancellation) and releases the gate instead of throwing
    /// <see cref="ObjectDisposedException"/>; neither holds a timer or a wait handle, so nothing leaks.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
    }

    /// <summary>Saves now if anything was learned since the last save; failures are logged, never thrown.</summary>
    internal async Task SaveAsync(MetaLlmRouter router, bool force, CancellationToken cancellationToken)
    {
        await _saving.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var snapshot = router.CreateSnapshot();
            if (!force && snapshot.FeedbackCount == Interlocked.Read(ref _savedFeedback))
            {
                return;
            }

            await _store().SaveAsync(snapshot, cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _savedFeedback, snapshot.FeedbackCount);
            LogSaved(_logger, snapshot.FeedbackCount);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogSaveFailed(_logger, ex.GetType().FullName ?? ex.GetType().Name);
        }
        finally
        {
            _saving.Release();
        }
    }

    private async Task RunAsync(MetaLlmRouter router, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_interval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                await SaveAsync(router, force: false, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: StopAsync makes the last save.
        }
    }

    [LoggerMessage(10, LogLevel.Debug, "Saved the router's learned state ({FeedbackCount} feedbacks learned in all).")]
    private static partial void LogSaved(ILogger logger, long feedbackCount);

    [LoggerMessage(11, LogLevel.Warning, "Saving the router's learned state failed with {ExceptionType}; the router keeps serving and learning, and the next save tries again.")]
    private static partial void LogSaveFailed(ILogger logger, string exceptionType);
}
