namespace MetaLlm;

/// <summary>
/// Turns a cost in dollars into the unitless cost of the reward <c>score − λ·normalizedCost</c>: divided by a fixed
/// reference, or by what the most expensive arm would have charged for the same tokens.
/// </summary>
internal sealed class CostNormalizer
{
    private readonly decimal? _reference;
    private readonly ModelPricing _ceiling;

    public CostNormalizer(IReadOnlyList<RouterArm> arms, decimal? referenceUsd)
    {
        _reference = referenceUsd;

        // The dearest price of every kind of token, each taken from whichever arm charges most for it.
        _ceiling = new ModelPricing(arms.Max(a => a.Pricing.InputPerMillionTokens), arms.Max(a => a.Pricing.OutputPerMillionTokens))
        {
            CachedInputPerMillionTokens = arms.Max(a => a.Pricing.EffectiveCachedInputPerMillionTokens),
            CacheWritePerMillionTokens = arms.Max(a => a.Pricing.EffectiveCacheWritePerMillionTokens),
            LongCacheWritePerMillionTokens = arms.Max(a => a.Pricing.EffectiveLongCacheWritePerMillionTokens),
        };
    }

    /// <summary>Normalises the cost of an answer with known token counts.</summary>
    public double Normalize(decimal costUsd, BilledTokens tokens)
    {
        if (_reference is { } reference)
        {
            return (double)(costUsd / reference);
        }

        decimal ceiling = _ceiling.ComputeCost(tokens);
        return ceiling > 0 ? (double)(costUsd / ceiling) : 0;
    }

    /// <summary>Normalises a cost known only in dollars, which needs a fixed reference.</summary>
    public double Normalize(decimal costUsd) => _reference is { } reference
        ? (double)(costUsd / reference)
        : throw new InvalidOperationException(
            "A cost given only in dollars cannot be normalised against the most expensive arm's prices without token counts. " +
            $"Give the usage instead, or set {nameof(MetaLlmRouterOptions)}.{nameof(MetaLlmRouterOptions.CostReferenceUsd)}.");
}
