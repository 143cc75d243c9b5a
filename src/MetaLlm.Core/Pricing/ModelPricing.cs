using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>
/// The price of a model in US dollars per one million tokens: input, output, and where the provider has them, input
/// read from its prompt cache and input written to it.
/// </summary>
/// <remarks>
/// <para>
/// Prices are <see cref="decimal"/> so that the cost of a response (tokens × price) is exact to the cent-fraction.
/// A price of zero is allowed (self-hosted models), but it must be stated: MetaLlm never assumes a model is free.
/// </para>
/// <para>
/// The cost of an answer is <c>uncached input × input price + cached input × cached price + cache writes × write
/// price + output × output price</c> (see <see cref="BilledTokens"/> for how usage is split). A cache price that is
/// not set falls back to the input price: a model without caching bills every input token at the input price.
/// </para>
/// </remarks>
public sealed record ModelPricing
{
    /// <summary>Initializes a new instance of the <see cref="ModelPricing"/> class.</summary>
    /// <param name="inputPerMillionTokens">US dollars per one million input (prompt) tokens; not negative.</param>
    /// <param name="outputPerMillionTokens">US dollars per one million output (completion) tokens, reasoning included; not negative.</param>
    /// <exception cref="ArgumentOutOfRangeException">A price is negative.</exception>
    public ModelPricing(decimal inputPerMillionTokens, decimal outputPerMillionTokens)
    {
        InputPerMillionTokens = NotNegative(inputPerMillionTokens, nameof(inputPerMillionTokens));
        OutputPerMillionTokens = NotNegative(outputPerMillionTokens, nameof(outputPerMillionTokens));
    }

    /// <summary>Gets the price in US dollars of one million uncached input (prompt) tokens.</summary>
    public decimal InputPerMillionTokens { get; }

    /// <summary>Gets the price in US dollars of one million output (completion) tokens, reasoning tokens included.</summary>
    public decimal OutputPerMillionTokens { get; }

    /// <summary>
    /// Gets the price in US dollars of one million input tokens read from the provider's prompt cache, or
    /// <see langword="null"/> to bill them at <see cref="InputPerMillionTokens"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public decimal? CachedInputPerMillionTokens
    {
        get;
        init => field = value is { } price ? NotNegative(price, nameof(CachedInputPerMillionTokens)) : null;
    }

    /// <summary>
    /// Gets the price in US dollars of one million input tokens written to the prompt cache for its short (default,
    /// usually five-minute) lifetime, or <see langword="null"/> to bill them at <see cref="InputPerMillionTokens"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public decimal? CacheWritePerMillionTokens
    {
        get;
        init => field = value is { } price ? NotNegative(price, nameof(CacheWritePerMillionTokens)) : null;
    }

    /// <summary>
    /// Gets the price in US dollars of one million input tokens written to the prompt cache for the long (one-hour)
    /// lifetime, or <see langword="null"/> to bill them at the short write price.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public decimal? LongCacheWritePerMillionTokens
    {
        get;
        init => field = value is { } price ? NotNegative(price, nameof(LongCacheWritePerMillionTokens)) : null;
    }

    /// <summary>Gets the price actually charged per million cached input tokens.</summary>
    public decimal EffectiveCachedInputPerMillionTokens => CachedInputPerMillionTokens ?? InputPerMillionTokens;

    /// <summary>Gets the price actually charged per million tokens written to the cache for the short lifetime.</summary>
    public decimal EffectiveCacheWritePerMillionTokens => CacheWritePerMillionTokens ?? InputPerMillionTokens;

    /// <summary>Gets the price actually charged per million tokens written to the cache for the long lifetime.</summary>
    public decimal EffectiveLongCacheWritePerMillionTokens => LongCacheWritePerMillionTokens ?? EffectiveCacheWritePerMillionTokens;

    /// <summary>Creates a price from US dollars per one million input and output tokens.</summary>
    /// <param name="input">US dollars per one million input tokens.</param>
    /// <param name="output">US dollars per one million output tokens.</param>
    /// <returns>The price.</returns>
    public static ModelPricing PerMillionTokens(decimal input, decimal output) => new(input, output);

    /// <summary>Computes the cost in US dollars of uncached input and output tokens.</summary>
    /// <param name="inputTokens">The number of input tokens; not negative.</param>
    /// <param name="outputTokens">The number of output tokens; not negative.</param>
    /// <returns>The cost in US dollars.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token count is negative.</exception>
    /// <exception cref="OverflowException">The cost exceeds the range of <see cref="decimal"/>.</exception>
    public decimal ComputeCost(long inputTokens, long outputTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);
        return ComputeCost(new BilledTokens(inputTokens, 0, 0, 0, outputTokens));
    }

    /// <summary>Computes the cost in US dollars of billed token counts.</summary>
    /// <param name="tokens">The token counts.</param>
    /// <returns>The cost in US dollars.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token count is negative.</exception>
    /// <exception cref="OverflowException">The cost exceeds the range of <see cref="decimal"/>.</exception>
    public decimal ComputeCost(BilledTokens tokens)
    {
        Check(tokens.UncachedInput, nameof(BilledTokens.UncachedInput));
        Check(tokens.CachedInput, nameof(BilledTokens.CachedInput));
        Check(tokens.CacheWrite, nameof(BilledTokens.CacheWrite));
        Check(tokens.LongCacheWrite, nameof(BilledTokens.LongCacheWrite));
        Check(tokens.Output, nameof(BilledTokens.Output));
        try
        {
            decimal perMillion = (tokens.UncachedInput * InputPerMillionTokens)
                + (tokens.CachedInput * EffectiveCachedInputPerMillionTokens)
                + (tokens.CacheWrite * EffectiveCacheWritePerMillionTokens)
                + (tokens.LongCacheWrite * EffectiveLongCacheWritePerMillionTokens)
                + (tokens.Output * OutputPerMillionTokens);
            return perMillion / 1_000_000m;
        }
        catch (OverflowException ex)
        {
            throw new OverflowException($"The cost of {tokens} at {this} exceeds the range of decimal.", ex);
        }

        static void Check(long count, string name)
        {
            if (count < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), count, $"The token count {name} must not be negative.");
            }
        }
    }

    /// <summary>Estimates the cost in US dollars of predicted token counts, in double precision (for decisions, not bills).</summary>
    /// <param name="tokens">The predicted token counts; not negative.</param>
    /// <returns>The estimated cost in US dollars.</returns>
    public double EstimateCost(PredictedTokens tokens) =>
        ((tokens.UncachedInput * (double)InputPerMillionTokens)
            + (tokens.CachedInput * (double)EffectiveCachedInputPerMillionTokens)
            + (tokens.CacheWrite * (double)EffectiveCacheWritePerMillionTokens)
            + (tokens.LongCacheWrite * (double)EffectiveLongCacheWritePerMillionTokens)
            + (tokens.Output * (double)OutputPerMillionTokens)) / 1_000_000;

    /// <summary>
    /// Computes the cost in US dollars of a response's reported usage, or returns <see langword="null"/> when the
    /// usage reports no token count (an unknown cost, not a free answer).
    /// </summary>
    /// <param name="usage">The usage reported by the model.</param>
    /// <returns>The cost in US dollars, or <see langword="null"/> when it is unknown.</returns>
    /// <remarks>The usage is split as <see cref="BilledTokens.FromUsage"/> documents.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="usage"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token count is negative or inconsistent; the message names the field.</exception>
    /// <exception cref="OverflowException">The cost exceeds the range of <see cref="decimal"/>.</exception>
    public decimal? ComputeCost(UsageDetails usage) => BilledTokens.FromUsage(usage) is { } tokens ? ComputeCost(tokens) : null;

    /// <inheritdoc />
    public override string ToString()
    {
        string text = FormattableString.Invariant($"${InputPerMillionTokens}/1M input, ${OutputPerMillionTokens}/1M output");
        if (CachedInputPerMillionTokens is { } cached)
        {
            text += FormattableString.Invariant($", ${cached}/1M cached input");
        }

        if (CacheWritePerMillionTokens is { } write)
        {
            text += FormattableString.Invariant($", ${write}/1M cache write");
        }

        if (LongCacheWritePerMillionTokens is { } longWrite)
        {
            text += FormattableString.Invariant($", ${longWrite}/1M 1-hour cache write");
        }

        return text;
    }

    private static decimal NotNegative(decimal price, string name) => price >= 0
        ? price
        : throw new ArgumentOutOfRangeException(name, price, "A price per million tokens must not be negative.");
}
