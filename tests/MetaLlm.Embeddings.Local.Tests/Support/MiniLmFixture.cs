using System.Numerics.Tensors;

namespace MetaLlm.Embeddings.Local.Tests;

/// <summary>One generator with default options for the whole test run: the model takes a second or two to load.</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmEmbeddingGenerator Generator { get; } = new();

    public async Task<float[]> EmbedAsync(string text) =>
        (await Generator.GenerateAsync([text])).Single().Vector.ToArray();

    public static float Cosine(float[] a, float[] b) => TensorPrimitives.CosineSimilarity(a, b);

    public void Dispose() => Generator.Dispose();
}

[CollectionDefinition(Name)]
public sealed class SharedMiniLmModel : ICollectionFixture<MiniLmFixture>
{
    public const string Name = "MiniLM model";
}
