using System.Runtime.CompilerServices;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Microsoft.Extensions.AI;

namespace MetaLlm.Providers;

/// <summary>
/// Adds to the Anthropic SDK's usage the part of the cache writes made for the one-hour lifetime, under
/// <see cref="BilledTokens.LongCacheWriteCountKey"/>, so that they are billed at the one-hour write price.
/// </summary>
/// <remarks>
/// <para>
/// The SDK's <see cref="UsageDetails"/> already follows Microsoft.Extensions.AI's rule (input = uncached + cache reads
/// + cache writes, cache reads as <see cref="UsageDetails.CachedInputTokenCount"/>, cache writes under
/// <see cref="BilledTokens.CacheWriteCountKey"/>) but does not say how many writes were for one hour. The Messages API
/// does, in <c>usage.cache_creation.ephemeral_1h_input_tokens</c>: of the response (its
/// <see cref="ChatResponse.RawRepresentation"/> is the SDK's <see cref="Message"/>), and of a stream's
/// <c>message_start</c> event (the <see cref="ChatResponseUpdate.RawRepresentation"/> of its update is a
/// <see cref="RawMessageStreamEvent"/>). A stream's count is added to the first usage update that follows.
/// </para>
/// <para>
/// When the API reports no one-hour writes, or <c>cache_creation</c> cannot be read, the usage is left as the SDK
/// made it and every write is billed at the short write price.
/// </para>
/// </remarks>
internal sealed class AnthropicCacheUsageChatClient : DelegatingChatClient
{
    /// <param name="innerClient">The Anthropic SDK's client.</param>
    public AnthropicCacheUsageChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (response.Usage is { } usage && response.RawRepresentation is Message message)
        {
            AddLongCacheWrites(usage, LongCacheWrites(() => message.Usage));
        }

        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long longWrites = 0;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (update.RawRepresentation is RawMessageStreamEvent streamEvent && streamEvent.TryPickStart(out var start))
            {
                longWrites = LongCacheWrites(() => start.Message.Usage);
            }

            if (longWrites > 0 && update.Contents.OfType<UsageContent>().FirstOrDefault() is { } usage)
            {
                AddLongCacheWrites(usage.Details, longWrites);
                longWrites = 0;
            }

            yield return update;
        }
    }

    /// <summary>Reads <c>cache_creation.ephemeral_1h_input_tokens</c>, or 0 when it is absent or unreadable.</summary>
    internal static long LongCacheWrites(Func<Usage?> usage)
    {
        try
        {
            return usage()?.CacheCreation?.Ephemeral1hInputTokens is > 0 and var tokens ? tokens : 0;
        }
        catch (AnthropicInvalidDataException)
        {
            return 0; // A malformed breakdown must not cost the answer; the writes are billed at the short price.
        }
    }

    private static void AddLongCacheWrites(UsageDetails usage, long longWrites)
    {
        if (longWrites > 0)
        {
            (usage.AdditionalCounts ??= []).TryAdd(BilledTokens.LongCacheWriteCountKey, longWrites);
        }
    }
}
