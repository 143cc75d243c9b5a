using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace MetaLlm.Providers;

/// <summary>
/// Wraps a provider SDK's <see cref="IChatClient"/> so that every failure surfaces as a <see cref="ProviderException"/>,
/// every call has a timeout on an injectable clock, and the router's own options never reach the model.
/// </summary>
internal sealed class ProviderErrorChatClient : DelegatingChatClient
{
    private readonly string _provider;
    private readonly string _modelId;
    private readonly Func<Exception, ProviderException?> _translate;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;

    /// <param name="innerClient">The SDK's client.</param>
    /// <param name="provider">The provider's name.</param>
    /// <param name="modelId">The model the client calls.</param>
    /// <param name="translate">Turns the SDK's own exceptions into <see cref="ProviderException"/>s; <see langword="null"/> for exceptions it does not know.</param>
    /// <param name="timeout">The longest wait for an answer, or for the next streamed update.</param>
    /// <param name="timeProvider">The clock of the timeout.</param>
    public ProviderErrorChatClient(IChatClient innerClient, string provider, string modelId, Func<Exception, ProviderException?> translate, TimeSpan timeout, TimeProvider timeProvider)
        : base(innerClient)
    {
        _provider = provider;
        _modelId = modelId;
        _translate = translate;
        _timeout = timeout;
        _timeProvider = timeProvider;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        options = RouterPropertyFilter.Apply(options);
        using var scope = new ProviderCallScope(_timeout, _timeProvider, cancellationToken);
        try
        {
            return await base.GetResponseAsync(messages, options, scope.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, scope) is { } translated)
        {
            throw translated;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options = RouterPropertyFilter.Apply(options);
        using var scope = new ProviderCallScope(_timeout, _timeProvider, cancellationToken);
        IAsyncEnumerator<ChatResponseUpdate> updates;
        try
        {
            updates = base.GetStreamingResponseAsync(messages, options, scope.Token).GetAsyncEnumerator(scope.Token);
        }
        catch (Exception ex) when (Translate(ex, scope) is { } translated)
        {
            throw translated;
        }

        await using (updates.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (Exception ex) when (Translate(ex, scope) is { } translated)
                {
                    throw translated;
                }

                scope.Restart();
                yield return updates.Current;
            }
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ProviderErrorChatClient) ? this : base.GetService(serviceType, serviceKey);

    /// <summary>Maps a failure, or returns <see langword="null"/> to let it pass unchanged (the caller's own cancellation).</summary>
    private ProviderException? Translate(Exception exception, ProviderCallScope scope)
    {
        if (exception is ProviderException)
        {
            return null;
        }

        if (scope.CallerToken.IsCancellationRequested && exception is OperationCanceledException)
        {
            return null;
        }

        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is ProviderException wrapped)
            {
                return wrapped;
            }
        }

        if (exception is OperationCanceledException or TimeoutException || scope.TimedOut)
        {
            return new ProviderException(_provider, _modelId, ProviderErrorKind.Timeout, isTransient: true,
                $"No answer within {_timeout.TotalSeconds:0.###} s.", innerException: exception);
        }

        if (_translate(exception) is { } known)
        {
            return known;
        }

        return exception switch
        {
            JsonException or FormatException => new ProviderException(_provider, _modelId, ProviderErrorKind.MalformedResponse, isTransient: false,
                "The response could not be parsed.", innerException: exception),
            HttpRequestException or IOException => new ProviderException(_provider, _modelId, ProviderErrorKind.Network, isTransient: true,
                "The connection failed or broke before the answer was complete.", innerException: exception),
            _ => null,
        };
    }
}
