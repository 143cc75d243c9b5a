namespace MetaLlm.Providers;

/// <summary>
/// The cancellation of one provider call: the caller's token plus a timeout measured on an injected clock, restarted
/// whenever a streamed answer makes progress.
/// </summary>
internal sealed class ProviderCallScope : IDisposable
{
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _linked;
    private readonly TimeSpan _limit;

    public ProviderCallScope(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        _limit = timeout;
        _timeout = new CancellationTokenSource(timeout, timeProvider);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timeout.Token);
        CallerToken = cancellationToken;
    }

    /// <summary>Gets the token to pass to the provider.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>Gets the caller's own token.</summary>
    public CancellationToken CallerToken { get; }

    /// <summary>Gets a value indicating whether the call was stopped by the timeout rather than by the caller.</summary>
    public bool TimedOut => _timeout.IsCancellationRequested && !CallerToken.IsCancellationRequested;

    /// <summary>Gives the call a fresh timeout after progress (one more streamed update).</summary>
    public void Restart()
    {
        if (!_timeout.IsCancellationRequested)
        {
            _timeout.CancelAfter(_limit);
        }
    }

    public void Dispose()
    {
        _linked.Dispose();
        _timeout.Dispose();
    }
}
