namespace MetaLlm.Providers;

/// <summary>One model's list price in the <see cref="ModelPriceCatalog"/>.</summary>
/// <param name="Provider">Where the price applies: <c>openai</c>, <c>anthropic</c> or <c>aws.bedrock</c>.</param>
/// <param name="ModelId">The model id as the provider's API takes it.</param>
/// <param name="Pricing">US dollars per one million input and output tokens.</param>
/// <param name="AsOf">The date at which the price is believed to be the provider's list price.</param>
/// <param name="Note">Why the figure may be off, or <see langword="null"/> when nothing is known against it.</param>
public sealed record ModelPriceEntry(string Provider, string ModelId, ModelPricing Pricing, DateOnly AsOf, string? Note = null);
