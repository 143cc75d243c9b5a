using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>
/// The tokens of one answer, split by how providers bill them: input read at full price, input read from the
/// provider's prompt cache, input written to the cache (for a short or a long lifetime), and output.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="FromUsage"/> reads <see cref="UsageDetails"/> by Microsoft.Extensions.AI's convention: cached input and
/// cache writes are counted inside <see cref="UsageDetails.InputTokenCount"/>, and reasoning tokens inside
/// <see cref="UsageDetails.OutputTokenCount"/>. Cache writes are read from
/// <see cref="UsageDetails.AdditionalCounts"/> under <see cref="CacheWriteCountKey"/> (the key the Anthropic SDK uses);
/// the part of them written for the long (one-hour) lifetime under <see cref="LongCacheWriteCountKey"/>.
/// </para>
/// <para>
/// Per provider, as their SDKs report usage: OpenAI (through Microsoft.Extensions.AI.OpenAI) puts cached tokens inside
/// the input count and reasoning tokens inside the output count, and reports no cache writes. Anthropic's SDK reports
/// input as uncached + cache reads + cache writes, cache reads as <see cref="UsageDetails.CachedInputTokenCount"/> and
/// cache writes under <see cref="CacheWriteCountKey"/>. MetaLlm's Bedrock client adds Converse's
/// <c>cacheReadInputTokens</c> and <c>cacheWriteInputTokens</c> to <c>inputTokens</c>, which excludes them, so the
/// same rule holds.
/// </para>
/// </remarks>
/// <param name="UncachedInput">Input tokens billed at the full input price.</param>
/// <param name="CachedInput">Input tokens read from the provider's prompt cache.</param>
/// <param name="CacheWrite">Input tokens written to the prompt cache for the short (default, usually five-minute) lifetime.</param>
/// <param name="LongCacheWrite">Input tokens written to the prompt cache for the long (one-hour) lifetime.</param>
/// <param name="Output">Output tokens, reasoning tokens included.</param>
public readonly record struct BilledTokens(long UncachedInput, long CachedInput, long CacheWrite, long LongCacheWrite, long Output)
{
    /// <summary>The <see cref="UsageDetails.AdditionalCounts"/> key of the input tokens written to the prompt cache, whatever their lifetime.</summary>
    public const string CacheWriteCountKey = "CacheCreationInputTokens";

    /// <summary>
    /// The <see cref="UsageDetails.AdditionalCounts"/> key of the part of <see cref="CacheWriteCountKey"/> that was
    /// written for the long (one-hour) lifetime, where the provider reports it apart.
    /// </summary>
    public const string LongCacheWriteCountKey = "CacheCreation1hInputTokens";

    /// <summary>Gets every input token: uncached, cached and written to the cache.</summary>
    public long TotalInput => UncachedInput + CachedInput + CacheWrite + LongCacheWrite;

    /// <summary>Creates counts for an answer that used no prompt cache.</summary>
    /// <param name="input">The input tokens.</param>
    /// <param name="output">The output tokens.</param>
    /// <returns>The counts.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public static BilledTokens Uncached(long input, long output)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(input);
        ArgumentOutOfRangeException.ThrowIfNegative(output);
        return new BilledTokens(input, 0, 0, 0, output);
    }

    /// <summary>
    /// Splits a response's usage into billed token counts, or returns <see langword="null"/> when the usage reports
    /// no token count at all (an unknown cost, never a free answer).
    /// </summary>
    /// <param name="usage">The usage the model reported.</param>
    /// <returns>The counts, or <see langword="null"/> when no input, output or total count is known.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="usage"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A count is negative, or the cached and cache-write counts exceed the input count they are part of; the message
    /// names the field.
    /// </exception>
    /// <remarks>
    /// A missing output count is derived from <see cref="UsageDetails.TotalTokenCount"/> minus the input; a missing
    /// input count is taken as zero when an output or total count is known.
    /// </remarks>
    public static BilledTokens? FromUsage(UsageDetails usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        long? cacheWriteCount = AdditionalCount(usage, CacheWriteCountKey);
        long? longCacheWriteCount = AdditionalCount(usage, LongCacheWriteCountKey);
        if (usage.InputTokenCount is null && usage.OutputTokenCount is null && usage.TotalTokenCount is null)
        {
            if (usage.CachedInputTokenCount is not null || cacheWriteCount is not null)
            {
                throw new ArgumentOutOfRangeException(nameof(usage), $"The usage reports cached or cache-write tokens but no {nameof(UsageDetails.InputTokenCount)} they are part of.");
            }

            return null;
        }

        long input = NotNegative(usage.InputTokenCount ?? 0, nameof(UsageDetails.InputTokenCount));
        long cached = NotNegative(usage.CachedInputTokenCount ?? 0, nameof(UsageDetails.CachedInputTokenCount));
        long writes = NotNegative(cacheWriteCount ?? 0, $"{nameof(UsageDetails.AdditionalCounts)}[\"{CacheWriteCountKey}\"]");
        long longWrites = NotNegative(longCacheWriteCount ?? 0, $"{nameof(UsageDetails.AdditionalCounts)}[\"{LongCacheWriteCountKey}\"]");
        if (longWrites > writes)
        {
            throw new ArgumentOutOfRangeException(nameof(usage), $"The usage reports {longWrites} long-lived cache-write tokens ({LongCacheWriteCountKey}), more than the {writes} cache-write tokens ({CacheWriteCountKey}) they are part of.");
        }

        if (cached > input - writes)
        {
            throw new ArgumentOutOfRangeException(nameof(usage), $"The usage's {nameof(UsageDetails.CachedInputTokenCount)} ({cached}) plus {nameof(UsageDetails.AdditionalCounts)}[\"{CacheWriteCountKey}\"] ({writes}) exceed its {nameof(UsageDetails.InputTokenCount)} ({input}), which includes them.");
        }

        long output = usage.OutputTokenCount is { } reported
            ? NotNegative(reported, nameof(UsageDetails.OutputTokenCount))
            : Math.Max(0, NotNegative(usage.TotalTokenCount ?? 0, nameof(UsageDetails.TotalTokenCount)) - input);
        return new BilledTokens(input - cached - writes, cached, writes - longWrites, longWrites, output);

        long NotNegative(long value, string field) => value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(usage), value, $"The usage reports a negative token count in {field}.");
    }

    private static long? AdditionalCount(UsageDetails usage, string key) =>
        usage.AdditionalCounts is { } counts && counts.TryGetValue(key, out long value) ? value : null;

}
