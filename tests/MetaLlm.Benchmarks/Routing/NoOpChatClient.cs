using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace MetaLlm.Benchmarks;

/// <summary>An in-process arm that answers at once, so a benchmark measures the router and not a model.</summary>
public sealed class NoOpChatClient : IChatClient
{
    private static readonly UsageDetails Usage = new() { InputTokenCount = 500, OutputTokenCount = 100, TotalTokenCount = 600 };

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { Usage = Usage });

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return new ChatResponseUpdate(ChatRole.Assistant, "o");
        yield return new ChatResponseUpdate(ChatRole.Assistant, "k");
        yield return new ChatResponseUpdate { Contents = [new UsageContent(Usage)] };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
