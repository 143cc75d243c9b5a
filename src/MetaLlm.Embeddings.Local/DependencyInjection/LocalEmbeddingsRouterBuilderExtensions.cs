using MetaLlm.Embeddings.Local;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MetaLlm;

/// <summary>Makes local MiniLM embeddings the featurizer of a router registered with <c>AddMetaLlmRouter</c>.</summary>
public static class LocalEmbeddingsRouterBuilderExtensions
{
    /// <summary>
    /// Routes on all-MiniLM-L6-v2 embeddings of the routing text, computed on this machine and cached. The cache is the
    /// registered <see cref="IDistributedCache"/> if there is one, else a private in-memory cache. The generator is a
    /// keyed singleton of the container, loaded on the router's first request and disposed with the container.
    /// </summary>
    /// <param name="builder">The router's builder.</param>
    /// <param name="configure">Changes the generator's options, or <see langword="null"/> for the defaults.</param>
    /// <param name="includeInstructions">Whether system messages and instructions are embedded with the question.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MetaLlmRouterBuilder UseLocalEmbeddings(this MetaLlmRouterBuilder builder, Action<MiniLmEmbeddingGeneratorOptions>? configure = null, bool includeInstructions = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new MiniLmEmbeddingGeneratorOptions();
        configure?.Invoke(options);
        options.Validate();

        // One generator per router (the key carries the router's options name), owned and disposed by the container.
        var key = new LocalEmbeddingsServiceKey(builder.OptionsName);
        builder.Services.AddKeyedSingleton(key, (services, _) => LocalEmbeddings.CreateGenerator(
            options, services.GetService<IDistributedCache>(), services.GetService<ILoggerFactory>()));
        return builder.UseFeaturizer(services => new EmbeddingFeaturizer(
            services.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(key), MiniLmEmbeddingGenerator.Dimension, includeInstructions));
    }

    private sealed record LocalEmbeddingsServiceKey(string RouterOptionsName);
}
