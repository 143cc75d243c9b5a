namespace MetaLlm.WebApi.Contracts;

/// <summary>An arm's prices in US dollars per million tokens.</summary>
/// <param name="InputPerMillionTokens">Uncached input.</param>
/// <param name="OutputPerMillionTokens">Output, reasoning included.</param>
/// <param name="CachedInputPerMillionTokens">Input read from the prompt cache.</param>
internal sealed record ArmPricing(decimal InputPerMillionTokens, decimal OutputPerMillionTokens, decimal CachedInputPerMillionTokens)
{
    public static ArmPricing From(ModelPricing pricing) =>
        new(pricing.InputPerMillionTokens, pricing.OutputPerMillionTokens, pricing.EffectiveCachedInputPerMillionTokens);
}
