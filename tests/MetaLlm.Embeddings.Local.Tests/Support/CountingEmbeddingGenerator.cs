using Microsoft.Extensions.AI;

namespace MetaLlm.Embeddings.Local.Tests;

/// <summary>Passes requests to an inner generator and counts the calls and texts that reached it.</summary>
/// <remarks>Disposing it leaves the inner generator alone: the caching layer disposes what it wraps, and the model is shared.</remarks>
internal sealed class CountingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner) : IEmbeddingGenerator<string, Embedding<float>>
{
    private int _calls;
    private int _texts;

    public int Calls => Volatile.Read(ref _calls);

    public int Texts => Volatile.Read(ref _texts);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToArray();
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _texts, texts.Length);
        return inner.GenerateAsync(texts, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    public void Dispose()
    {
    }
}
