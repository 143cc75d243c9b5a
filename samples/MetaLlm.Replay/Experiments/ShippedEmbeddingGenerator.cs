using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.Experiments;

/// <summary>
/// Answers from <see cref="ShippedEmbeddings"/> the texts it holds and asks the inner (caching) generator for the rest,
/// so the shipped vectors never enter the user's embedding cache, which keeps exact vectors only.
/// </summary>
internal sealed class ShippedEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly ShippedEmbeddings _shipped;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _served = new(StringComparer.Ordinal);

    public ShippedEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, ShippedEmbeddings shipped)
        : base(inner)
    {
        _shipped = shipped;
    }

    /// <summary>Gets the number of distinct texts answered from the shipped file.</summary>
    public int Served => _served.Count;

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values as IReadOnlyList<string> ?? [.. values];
        var results = new Embedding<float>?[texts.Count];
        var missing = new List<int>();
        for (int i = 0; i < texts.Count; i++)
        {
            var vector = new float[Embeddings.Local.MiniLmEmbeddingGenerator.Dimension];
            if (_shipped.TryGet(texts[i], vector))
            {
                results[i] = new Embedding<float>(vector) { ModelId = Embeddings.Local.MiniLmEmbeddingGenerator.ModelId };
                _served.TryAdd(texts[i], 0);
            }
            else
            {
                missing.Add(i);
            }
        }

        if (missing.Count > 0)
        {
            var generated = await base.GenerateAsync([.. missing.Select(i => texts[i])], options, cancellationToken).ConfigureAwait(false);
            for (int k = 0; k < missing.Count; k++)
            {
                results[missing[k]] = generated[k];
            }
        }

        return [.. results.Select(r => r!)];
    }
}
