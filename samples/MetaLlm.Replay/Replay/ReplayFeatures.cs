using MetaLlm.Embeddings.Local;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.Replay;

/// <summary>The featurizer a replay routes on, with every query's features computed before the first replay.</summary>
internal sealed class ReplayFeatures : IDisposable
{
    /// <summary>How many routing texts go to the embedding generator per call: large enough for its batching, small enough for a lively progress bar.</summary>
    private const int EmbeddingChunk = 64;

    /// <summary>How many new embeddings are kept in memory only before the cache file is saved.</summary>
    private const int SaveEvery = 1024;

    private readonly IDisposable? _generator;

    private ReplayFeatures(PrecomputedFeaturizer featurizer, IDisposable? generator, EmbeddingCacheFile? cache, int distinctTexts, int embedded)
    {
        Featurizer = featurizer;
        _generator = generator;
        Cache = cache;
        DistinctTexts = distinctTexts;
        Embedded = embedded;
    }

    /// <summary>Gets the featurizer every replayed router uses.</summary>
    public PrecomputedFeaturizer Featurizer { get; }

    /// <summary>Gets the embedding cache, or <see langword="null"/> for the hashing featurizer.</summary>
    public EmbeddingCacheFile? Cache { get; }

    /// <summary>Gets the number of distinct routing texts embedded or read from the cache (0 for the hashing featurizer).</summary>
    public int DistinctTexts { get; }

    /// <summary>Gets the number of routing texts the model embedded in this run (the rest came from the cache).</summary>
    public int Embedded { get; }

    /// <summary>Builds the featurizer <paramref name="tuning"/> names and featurizes <paramref name="requests"/> with it.</summary>
    /// <param name="tuning">Names the featurizer and its settings.</param>
    /// <param name="requests">Every request the replays will route.</param>
    /// <param name="embeddingCachePath">The file embeddings are read from and saved to, or <see langword="null"/> to keep them in memory only.</param>
    /// <param name="embeddingProgress">Called with (texts done, distinct texts) while embedding; not called for the hashing featurizer.</param>
    /// <param name="cancellationToken">Cancels the embedding.</param>
    public static async Task<ReplayFeatures> PrepareAsync(
        ReplayTuning tuning,
        IReadOnlyCollection<IReadOnlyList<ChatMessage>> requests,
        string? embeddingCachePath,
        Action<int, int>? embeddingProgress = null,
        CancellationToken cancellationToken = default)
    {
        if (tuning.Featurizer == ReplayFeaturizerKind.Hashing)
        {
            var hashing = new PrecomputedFeaturizer(new HashingFeaturizer(CreateHashingOptions(tuning)));
            hashing.Precompute(requests);
            return new ReplayFeatures(hashing, null, null, 0, 0);
        }

        var cacheFile = embeddingCachePath is null ? EmbeddingCacheFile.InMemory() : EmbeddingCacheFile.Open(embeddingCachePath);
        var model = new MiniLmEmbeddingGenerator(CreateMiniLmOptions(tuning));
        var generator = LocalEmbeddings.WithCache(model, cacheFile);
        try
        {
            // Embed each distinct routing text once, in chunks, before any replay: the router then finds every vector
            // in the cache, and the user sees how far the slow part is.
            var texts = requests.Select(m => RoutingText.Extract(m)).Distinct(StringComparer.Ordinal).ToList();
            int done = 0, embedded = 0;
            embeddingProgress?.Invoke(0, texts.Count);
            foreach (var chunk in texts.Chunk(EmbeddingChunk))
            {
                _ = await generator.GenerateAsync(chunk, cancellationToken: cancellationToken).ConfigureAwait(false);
                done += chunk.Length;
                embeddingProgress?.Invoke(done, texts.Count);

                // Embedding a large dataset takes minutes: save now and then, so an interrupted run keeps most of its work.
                if (cacheFile is { Path: not null, Added: >= SaveEvery })
                {
                    embedded += cacheFile.Added;
                    cacheFile.Save();
                }
            }

            embedded += cacheFile.Added;
            if (cacheFile is { Path: not null, Added: > 0 })
            {
                cacheFile.Save();
            }

            var featurizer = new PrecomputedFeaturizer(new EmbeddingFeaturizer(generator, MiniLmEmbeddingGenerator.Dimension));
            featurizer.Precompute(requests);
            return new ReplayFeatures(featurizer, generator, cacheFile, texts.Count, embedded);
        }
        catch
        {
            generator.Dispose();
            throw;
        }
    }

    /// <summary>Checks the featurizer settings, so that bad ones are reported before any file is read.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public static void Validate(ReplayTuning tuning)
    {
        if (tuning.Featurizer == ReplayFeaturizerKind.Hashing)
        {
            CreateHashingOptions(tuning).Validate();
        }
        else
        {
            CreateMiniLmOptions(tuning).Validate();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _generator?.Dispose();

    private static HashingFeaturizerOptions CreateHashingOptions(ReplayTuning tuning) =>
        new() { Dimension = tuning.FeatureDimension, WordWeight = tuning.WordWeight };

    private static MiniLmEmbeddingGeneratorOptions CreateMiniLmOptions(ReplayTuning tuning) =>
        new() { MaxTokens = tuning.EmbeddingMaxTokens };
}
