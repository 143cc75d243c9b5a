namespace MetaLlm.Providers;

/// <summary>
/// A model's price is not in the catalogue and none was given. MetaLlm refuses such an arm rather than count a paid
/// model as free, which would make the router prefer it for the wrong reason.
/// </summary>
public sealed class UnknownModelPriceException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="UnknownModelPriceException"/> class.</summary>
    public UnknownModelPriceException()
        : this("(unknown)")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnknownModelPriceException"/> class for a model.</summary>
    /// <param name="modelId">The model whose price is unknown.</param>
    public UnknownModelPriceException(string modelId)
        : base(
            $"The price of model '{modelId}' is unknown: it is not in MetaLlm's price catalogue, and no price was given. " +
            "Pass the price when adding the arm (for example pricing: ModelPricing.PerMillionTokens(0.15m, 0.60m)), " +
            "or ModelPricing.PerMillionTokens(0, 0) for a self-hosted model that really costs nothing per token. A paid model is never counted as free.")
    {
        ModelId = modelId;
    }

    /// <summary>Initializes a new instance of the <see cref="UnknownModelPriceException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public UnknownModelPriceException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ModelId = "(unknown)";
    }

    /// <summary>Gets the model whose price is unknown.</summary>
    public string ModelId { get; }
}
