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

    /// <summary>The cosine below which a re-embedded prompt shows the shipped vectors are stale (int8 quantisation keeps it above 0.9999).</summary>
    internal const double ShippedAgreement = 0.999;

    /// <summary>How many prompts found in the shipped file are re-embedded to check it against the model.</summary>
    private const int ShippedProbes = 4;

    private readonly IDisposable? _generator;
    private readonly ShippedEmbeddingGenerator? _shipped;

    private ReplayFeatures(PrecomputedFeaturizer featurizer, IDisposable? generator, EmbeddingCacheFile? cache, int distinctTexts, string? saveProblem, TimeSpan elapsed, ShippedEmbeddingGenerator? shipped = null, string? shippedProblem = null)
    {
        _shipped = shipped;
        ShippedProblem = shippedProblem;
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

    /// <summary>Gets the number of distinct routing texts whose vectors came from the shipped file (neither embedded nor cached).</summary>
    public int Shipped => _shipped?.Served ?? 0;

    /// <summary>Gets the shipped file in use, or <see langword="null"/> when none is.</summary>
    public string? ShippedPath { get; private init; }

    /// <summary>Gets why a shipped file that exists was not used (other settings, unreadable, or stale against the model), or <see langword="null"/>.</summary>
    public string? ShippedProblem { get; }

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
    /// <param name="shippedEmbeddingsPath">A file of <see cref="ShippedEmbeddings"/> to take vectors from before embedding, or <see langword="null"/> for none.</param>
    /// <param name="embeddingProgress">Called with (texts done, distinct texts) while embedding; not called for the hashing featurizer.</param>
    /// <param name="cancellationToken">Cancels the embedding.</param>
    public static async Task<ReplayFeatures> PrepareAsync(
        ReplayTuning tuning,
        IReadOnlyCollection<IReadOnlyList<ChatMessage>> requests,
        string? embeddingCachePath,
        string? shippedEmbeddingsPath,
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
        var options = CreateMiniLmOptions(tuning);
        var model = new MiniLmEmbeddingGenerator(options);
        var generator = LocalEmbeddings.WithCache(model, cacheFile);
        try
        {
            var texts = DistinctRoutingTexts(requests);

            // Vectors shipped with the bundled dataset spare a first run from embedding it, once a few prompts re-embedded
            // by the model agree with them. They are served in front of the cache, which keeps exact vectors only.
            ShippedEmbeddingGenerator? shipped = null;
            string? shippedProblem = null;
            if (shippedEmbeddingsPath is not null && ShippedEmbeddings.TryOpen(shippedEmbeddingsPath, options, out shippedProblem) is { } file)
            {
                shippedProblem = await CheckShippedAsync(file, model, texts, cancellationToken).ConfigureAwait(false);
                if (shippedProblem is null)
                {
                    shipped = new ShippedEmbeddingGenerator(generator, file);
                    generator = shipped;
                }
            }

            // Embed each distinct routing text once, in chunks, before any replay: the router then finds every vector
            // in the cache, and the user sees how far the slow part is.
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
            return new ReplayFeatures(featurizer, generator, cacheFile, texts.Count, saveProblem, clock.Elapsed, shipped, shippedProblem)
            {
                ShippedPath = shipped is null ? null : shippedEmbeddingsPath,
            };
        }
        catch
        {
            generator.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Embeds every distinct routing text of <paramref name="requests"/> exactly (through the embedding cache, never the
    /// shipped vectors) and writes them as a file of <see cref="ShippedEmbeddings"/> (<c>--write-shipped-embeddings</c>).
    /// </summary>
    /// <returns>The number of vectors written.</returns>
    public static async Task<int> WriteShippedAsync(
        ReplayTuning tuning,
        IReadOnlyCollection<IReadOnlyList<ChatMessage>> requests,
        string? embeddingCachePath,
        string path,
        Action<int, int>? embeddingProgress = null,
        CancellationToken cancellationToken = default)
    {
        var cacheFile = embeddingCachePath is null ? EmbeddingCacheFile.InMemory() : EmbeddingCacheFile.Open(embeddingCachePath);
        var options = CreateMiniLmOptions(tuning);
        using var generator = LocalEmbeddings.WithCache(new MiniLmEmbeddingGenerator(options), cacheFile);
        var texts = DistinctRoutingTexts(requests);
        var vectors = new List<(string, ReadOnlyMemory<float>)>(texts.Count);
        string? saveProblem = null;
        embeddingProgress?.Invoke(0, texts.Count);
        foreach (var chunk in texts.Chunk(EmbeddingChunk))
        {
            var embeddings = await generator.GenerateAsync(chunk, cancellationToken: cancellationToken).ConfigureAwait(false);
            vectors.AddRange(chunk.Zip(embeddings, (text, e) => (text, e.Vector)));
            embeddingProgress?.Invoke(vectors.Count, texts.Count);
            if (cacheFile.Unsaved >= SaveEvery)
            {
                TrySave(cacheFile, ref saveProblem);
            }
        }

        TrySave(cacheFile, ref saveProblem);
        ShippedEmbeddings.Write(path, options, vectors);
        return vectors.Count;
    }

    // Re-embeds with the model itself (not through the cache) a few of the run's prompts that the shipped file holds and compares: a file
    // whose vectors the model no longer makes is not used. Returns why, or null when they agree (or none is held).
    private static async Task<string?> CheckShippedAsync(ShippedEmbeddings shipped, IEmbeddingGenerator<string, Embedding<float>> model, List<string> texts, CancellationToken cancellationToken)
    {
        var held = texts.Where(shipped.Contains).ToList();
        if (held.Count == 0)
        {
            return null;
        }

        var probes = Enumerable.Range(0, Math.Min(ShippedProbes, held.Count)).Select(i => held[i * held.Count / Math.Min(ShippedProbes, held.Count)]).Distinct().ToList();
        var exact = await model.GenerateAsync(probes, cancellationToken: cancellationToken).ConfigureAwait(false);
        var vector = new float[MiniLmEmbeddingGenerator.Dimension];
        for (int i = 0; i < probes.Count; i++)
        {
            shipped.TryGet(probes[i], vector);
            float cosine = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(vector, exact[i].Vector.Span);
            if (!(cosine >= ShippedAgreement))
            {
                return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"its vectors disagree with the model's (cosine {cosine:0.0000} on a re-embedded prompt; at least {ShippedAgreement} expected), so they are stale");
            }
        }

        return null;
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
