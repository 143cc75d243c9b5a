namespace MetaLlm.Providers;

/// <summary>Creates router arms for models on Amazon Bedrock (Titan, Nova, Claude, Llama, Mistral).</summary>
public static class BedrockArm
{
    /// <summary>Creates an arm for a Bedrock model.</summary>
    /// <param name="modelId">The model id or inference profile id, for example <c>amazon.titan-text-express-v1</c>.</param>
    /// <param name="pricing">The model's price, or <see langword="null"/> for the <see cref="ModelPriceCatalog.Default"/> price.</param>
    /// <param name="options">Region, credentials, timeout and HTTP settings, or <see langword="null"/> to take them from the environment.</param>
    /// <returns>The arm, named <see cref="ProviderOptions.ArmName"/> or the model id.</returns>
    /// <exception cref="UnknownModelPriceException">No price was given and the model is not in the catalogue.</exception>
    public static RouterArm Create(string modelId, ModelPricing? pricing = null, BedrockProviderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        var price = ModelPriceCatalog.Default.Resolve(modelId, pricing);
        return new RouterArm(options?.ArmName ?? modelId, new BedrockChatClient(modelId, options), price);
    }
}
