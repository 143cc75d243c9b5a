namespace MetaLlm.Providers;

/// <summary>Settings every provider's arm shares: how long to wait, which HTTP handler and clock to use, and the arm's name.</summary>
public abstract class ProviderOptions
{
    /// <summary>The default <see cref="Timeout"/>.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(100);

    /// <summary>Gets or sets the arm's name in the router, or <see langword="null"/> to use the model id.</summary>
    public string? ArmName { get; set; }

    /// <summary>
    /// Gets or sets the longest wait for an answer, or for the next update of a streamed answer; on expiry the call fails
    /// with a transient <see cref="ProviderException"/> of kind <see cref="ProviderErrorKind.Timeout"/>.
    /// </summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>Gets or sets the HTTP handler that sends requests (not disposed by MetaLlm), or <see langword="null"/> for a new <see cref="SocketsHttpHandler"/>.</summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>Gets or sets the clock for timeouts and request signing, or <see langword="null"/> for the system clock.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Checks the settings, naming the first one that is wrong.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Timeout"/> is not positive.</exception>
    internal void Validate()
    {
        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "The provider timeout must be positive (or Timeout.InfiniteTimeSpan).");
        }
    }

    /// <summary>Creates the HTTP client for an arm: the given handler (kept alive) or a new one (owned), with no timeout of its own.</summary>
    internal HttpClient CreateHttpClient(DelegatingHandler? first = null)
    {
        HttpMessageHandler handler = HttpMessageHandler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        bool ownsHandler = HttpMessageHandler is null;
        if (first is not null)
        {
            first.InnerHandler = handler;
            handler = first;
        }

        // The timeout is enforced on TimeProvider per call and per streamed update; HttpClient's own would cut long streams.
        return new HttpClient(handler, disposeHandler: ownsHandler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }
}
