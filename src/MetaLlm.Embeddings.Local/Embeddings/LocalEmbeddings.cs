using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MetaLlm.Embeddings.Local;

/// <summary>Builds cached local embedding generators, and featurizers that route on them, for code without dependency injection.</summary>
public static class LocalEmbeddings
{
    /// <summary>Creates a MiniLM embedding generator behind an embedding cache.</summary>
    /// <param name="options">The generator's options, or <see langword="null"/> for the defaults.</param>
    /// <param name="cache">The cache, or <see langword="null"/> for a new in-memory one (200 MB at most, about 40,000 embeddings).</param>
    /// <param name="loggerFactory">Creates the generator's logger, or <see langword="null"/> for none.</param>
    /// <returns>The generator; disposing it releases the model.</returns>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateGenerator(MiniLmEmbeddingGeneratorOptions? options = null, IDistributedCache? cache = null, ILoggerFactory? loggerFactory = null) =>
        WithCache(new MiniLmEmbeddingGenerator(options, loggerFactory), cache);

    /// <summary>
    /// Puts an embedding cache in front of <paramref name="generator"/>, so a text embedded once is never embedded again
    /// while the cache keeps it. The cache key includes the model and, for MiniLM, the tokenizer revision and truncation settings, so one cache
    /// can serve differently configured generators.
    /// </summary>
    /// <param name="generator">The generator to cache.</param>
    /// <param name="cache">The cache, or <see langword="null"/> for a new in-memory one.</param>
    /// <returns>The caching generator; disposing it disposes <paramref name="generator"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is <see langword="null"/>.</exception>
    public static IEmbeddingGenerator<string, Embedding<float>> WithCache(IEmbeddingGenerator<string, Embedding<float>> generator, IDistributedCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        cache ??= new MemoryDistributedCache(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions()));
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        var settings = generator.GetService<MiniLmEmbeddingGeneratorOptions>();
        return new DistributedCachingEmbeddingGenerator<string, Embedding<float>>(generator, cache)
        {
            CacheKeyAdditionalValues = [metadata?.DefaultModelId ?? generator.GetType().Name, settings?.VectorSettings ?? string.Empty],
        };
    }

    /// <summary>Creates a featurizer that routes on cached MiniLM embeddings of the routing text (385 features: 384 and the bias).</summary>
    /// <param name="options">The generator's options, or <see langword="null"/> for the defaults.</param>
    /// <param name="cache">The embedding cache, or <see langword="null"/> for a new in-memory one.</param>
    /// <param name="includeInstructions">Whether system messages and instructions are embedded with the question.</param>
    /// <param name="loggerFactory">Creates the generator's logger, or <see langword="null"/> for none.</param>
    /// <returns>The featurizer.</returns>
    public static EmbeddingFeaturizer CreateFeaturizer(MiniLmEmbeddingGeneratorOptions? options = null, IDistributedCache? cache = null, bool includeInstructions = false, ILoggerFactory? loggerFactory = null) =>
        new(CreateGenerator(options, cache, loggerFactory), MiniLmEmbeddingGenerator.Dimension, includeInstructions);
}
