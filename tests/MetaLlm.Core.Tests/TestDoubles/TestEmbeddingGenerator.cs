using Microsoft.Extensions.AI;

namespace MetaLlm.Tests;

/// <summary>A stand-in embedding model whose vectors each test chooses.</summary>
public sealed class TestEmbeddingGenerator(Func<string, float[]> embed, string? modelId = null) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata _metadata = new("test", defaultModelId: modelId);

    /// <summary>Gets the texts the generator was asked to embed.</summary>
    public List<string> Inputs { get; } = [];

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        foreach (string value in values)
        {
            lock (Inputs)
            {
                Inputs.Add(value);
            }

            embeddings.Add(new Embedding<float>(embed(value)));
        }

        return Task.FromResult(embeddings);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : null;

    public void Dispose()
    {
    }
}
