using Microsoft.Extensions.AI;

namespace MetaLlm.Tests;

/// <summary>A stand-in model whose behaviour each test sets through callbacks, like Microsoft.Extensions.AI's own tests.</summary>
public sealed class TestChatClient : IChatClient
{
    /// <summary>Gets or sets what <see cref="GetResponseAsync"/> does.</summary>
    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>? GetResponseAsyncCallback { get; set; }

    /// <summary>Gets or sets what <see cref="GetStreamingResponseAsync"/> does.</summary>
    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>? GetStreamingResponseAsyncCallback { get; set; }

    /// <summary>Gets or sets what <see cref="GetService"/> answers.</summary>
    public Func<Type, object?, object?> GetServiceCallback { get; set; } = (_, _) => null;

    /// <summary>Gets the number of calls to either response method.</summary>
    public int CallCount => Volatile.Read(ref _callCount);

    /// <summary>Gets a value indicating whether the client was disposed.</summary>
    public bool Disposed { get; private set; }

    private int _callCount;

    /// <summary>A client that answers every request with <paramref name="text"/> and the given usage.</summary>
    public static TestChatClient Answering(string text, long inputTokens, long outputTokens) => new()
    {
        GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            Usage = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens, TotalTokenCount = inputTokens + outputTokens },
        }),
    };

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _callCount);
        return (GetResponseAsyncCallback ?? throw new InvalidOperationException("The test set no GetResponseAsyncCallback."))(messages, options, cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _callCount);
        return (GetStreamingResponseAsyncCallback ?? throw new InvalidOperationException("The test set no GetStreamingResponseAsyncCallback."))(messages, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => GetServiceCallback(serviceType, serviceKey);

    public void Dispose() => Disposed = true;
}
