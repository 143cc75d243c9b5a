using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>
/// A featurizer over any <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: the routing text's embedding,
/// L2-normalised, plus a constant bias term in the last position.
/// </summary>
public sealed class EmbeddingFeaturizer : IRequestFeaturizer
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly bool _includeInstructions;
    private readonly int _embeddingDimension;

    /// <summary>Initializes a new instance of the <see cref="EmbeddingFeaturizer"/> class.</summary>
    /// <param name="generator">The embedding generator.</param>
    /// <param name="embeddingDimension">The length of the generator's embeddings; the features have one more value, the bias.</param>
    /// <param name="includeInstructions">Whether system messages and instructions are part of the embedded text.</param>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="embeddingDimension"/> is less than 1.</exception>
    public EmbeddingFeaturizer(IEmbeddingGenerator<string, Embedding<float>> generator, int embeddingDimension, bool includeInstructions = false)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingDimension, 1);
        _generator = generator;
        _embeddingDimension = embeddingDimension;
        _includeInstructions = includeInstructions;
        var metadata = generator.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata;
        Name = $"embedding-{metadata?.DefaultModelId ?? "custom"}-{embeddingDimension}";
        Fingerprint = $"embedding-v1;model={metadata?.ProviderName}/{metadata?.DefaultModelId};d={embeddingDimension};instructions={includeInstructions}";
    }

    /// <inheritdoc />
    public int Dimension => _embeddingDimension + 1;

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Fingerprint { get; }

    /// <inheritdoc />
    public async ValueTask FeaturizeAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, Memory<float> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (destination.Length != Dimension)
        {
            throw new ArgumentException($"The destination has length {destination.Length}, but the featurizer writes {Dimension} values.", nameof(destination));
        }

        string text = RoutingText.Extract(messages, options, _includeInstructions);
        var embedding = await _generator.GenerateAsync(text, cancellationToken: cancellationToken).ConfigureAwait(false);
        var vector = embedding.Vector.Span;
        if (vector.Length != _embeddingDimension)
        {
            throw new InvalidOperationException($"The embedding generator returned {vector.Length} values, but the featurizer was configured for {_embeddingDimension}.");
        }

        var span = destination.Span;
        vector.CopyTo(span);
        var embedded = span[.._embeddingDimension];
        float norm = TensorPrimitives.Norm(embedded);
        if (!float.IsFinite(norm))
        {
            throw new InvalidOperationException("The embedding generator returned a vector with non-finite values.");
        }

        if (norm > 0)
        {
            TensorPrimitives.Divide(embedded, norm, embedded);
        }

        span[_embeddingDimension] = 1f;
    }
}
