using System.Diagnostics;
using MetaLlm.Embeddings.Local;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.Experiments;

/// <summary>The featurizer a replay routes on, with every query's features computed before the first replay.</summary>
internal sealed class ReplayFeatures : IDisposable
{
    /// <summary>How many routing texts go to the embedding generator per call: large enough for its batching, small enough for a lively progress bar.</summary>
    private const int EmbeddingChunk = 64;

    /// <summary>How many new embeddings are kept in memory only before the cache file is saved.</summary>
    private const int SaveEvery = 1024;

    private readonly IDisposable? _generator;

    private ReplayFeatures(PrecomputedFeaturizer featurizer, IDisposable? generator, EmbeddingCacheFile? cache, int distinctTexts, string? saveProblem, TimeSpan elapsed)
    {
        Featurizer = featurizer;
        _generator = generator;
        Cache = cache;
        DistinctTexts = distinctTexts;
        SaveProblem = saveProblem;
        Elapsed = elapsed;
    }

    /// <summary>Gets the featurizer every replayed router uses.</summary>
    public PrecomputedFeaturizer Featurizer { get; }

    /// <summary>Gets the embedding cache, or <see langword="null"/> for the hashing featurizer.</summary>
    public EmbeddingCacheFile? Cache { get; }

    /// <summary>Gets the number of distinct routing texts embedded or read from the cache (0 for the hashing featurizer).</summary>
    public int DistinctTexts { get; }

    /// <summary>Gets the number of routing texts the model embedded in this run (the rest came from the cache).</summary>
    public int Embedded => Cache?.Added ?? 0;

    /// <summary>Gets why the cache file could not be saved (the run went on with the cache in memory), or <see langword="null"/>.</summary>
    public string? SaveProblem { get; }

    /// <summary>Gets how long featurizing every request took (for MiniLM: embedding, or reading the cache).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The distinct texts an <see cref="EmbeddingFeaturizer"/> embeds for <paramref name="requests"/>.</summary>
    public static List<string> DistinctRoutingTexts(IEnumerable<IReadOnlyList<ChatMessage>> requests) =>
        [.. requests.Select(m => RoutingText.Extract(m)).Distinct(StringComparer.Ordinal)];

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
        var clock = Stopwatch.StartNew();
        if (tuning.Featurizer == ReplayFeaturizerKind.Hashing)
        {
            var hashing = new PrecomputedFeaturizer(new HashingFeaturizer(CreateHashingOptions(tuning)));
            hashing.Precompute(requests);
            return new ReplayFeatures(hashing, null, null, 0, null, clock.Elapsed);
        }

        var cacheFile = embeddingCachePath is null ? EmbeddingCacheFile.InMemory() : EmbeddingCacheFile.Open(embeddingCachePath);
        var model = new MiniLmEmbeddingGenerator(CreateMiniLmOptions(tuning));
        var generator = LocalEmbeddings.WithCache(model, cacheFile);
        try
        {
            // Embed each distinct routing text once, in chunks, before any replay: the router then finds every vector
            // in the cache, and the user sees how far the slow part is.
            var texts = DistinctRoutingTexts(requests);
            int done = 0;
            string? saveProblem = null;
            embeddingProgress?.Invoke(0, texts.Count);
            foreach (var chunk in texts.Chunk(EmbeddingChunk))
            {
                _ = await generator.GenerateAsync(chunk, cancellationToken: cancellationToken).ConfigureAwait(false);
                done += chunk.Length;
                embeddingProgress?.Invoke(done, texts.Count);

                // Embedding a large dataset takes minutes: save now and then, so an interrupted run keeps most of its work.
                if (cacheFile.Unsaved >= SaveEvery)
                {
                    TrySave(cacheFile, ref saveProblem);
                }
            }

            // The featurizer asks the same cache for the same texts, so this embeds nothing new; if it ever did, those
            // vectors are counted in Embedded and saved too.
            var featurizer = new PrecomputedFeaturizer(new EmbeddingFeaturizer(generator, MiniLmEmbeddingGenerator.Dimension));
            featurizer.Precompute(requests);
            TrySave(cacheFile, ref saveProblem);
            return new ReplayFeatures(featurizer, generator, cacheFile, texts.Count, saveProblem, clock.Elapsed);
        }
        catch
        {
            generator.Dispose();
            throw;
        }
    }

    /// <summary>Saves the cache file if it has one and something new; after a failure, stops trying and keeps the reason.</summary>
    private static void TrySave(EmbeddingCacheFile cache, ref string? problem)
    {
        if (cache.Path is null || cache.Unsaved == 0 || problem is not null)
        {
            return;
        }

        try
        {
            cache.Save();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = ex.Message;
        }
    }

    /// <summary>Checks the featurizer settings, so that bad ones are reported before any file is read.</summary>
    /// <param name="tuning">Names the featurizer and its settings.</param>
    /// <param name="embeddingCachePath">The embedding cache file, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">A setting is out of range, or the cache path is blank or a folder.</exception>
    public static void Validate(ReplayTuning tuning, string? embeddingCachePath)
    {
        if (tuning.Featurizer == ReplayFeaturizerKind.Hashing)
        {
            CreateHashingOptions(tuning).Validate();
            return;
        }

        CreateMiniLmOptions(tuning).Validate();
        if (embeddingCachePath is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(embeddingCachePath))
        {
            throw new ArgumentException("--embedding-cache needs a file path, or none to keep embeddings in memory only.");
        }

        if (Directory.Exists(embeddingCachePath))
        {
            throw new ArgumentException($"--embedding-cache {embeddingCachePath} is a folder; give a file path such as {Path.Combine(embeddingCachePath, "replay-embeddings.bin")}.");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _generator?.Dispose();

    private static HashingFeaturizerOptions CreateHashingOptions(ReplayTuning tuning) =>
        new() { Dimension = tuning.FeatureDimension, WordWeight = tuning.WordWeight };

    private static MiniLmEmbeddingGeneratorOptions CreateMiniLmOptions(ReplayTuning tuning) =>
        new() { MaxTokens = tuning.EmbeddingMaxTokens };
}
