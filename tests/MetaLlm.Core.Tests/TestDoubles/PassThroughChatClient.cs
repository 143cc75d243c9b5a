using Microsoft.Extensions.AI;

namespace MetaLlm.Tests;

/// <summary>Middleware that only counts the calls passing through, to prove the router composes in a pipeline.</summary>
public sealed class PassThroughChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    private int _calls;

    /// <summary>Gets the number of requests that went through.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return base.GetResponseAsync(messages, options, cancellationToken);
    }
}
