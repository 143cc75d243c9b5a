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

    /// <summary>Normalises a predicted cost in the same way, in double precision.</summary>
    public double NormalizePrediction(double costUsd, PredictedTokens tokens)
    {
        if (_reference is { } reference)
        {
            return costUsd / (double)reference;
        }

        double ceiling = _ceiling.EstimateCost(tokens);
        return ceiling > 0 ? costUsd / ceiling : 0;
    }
}
