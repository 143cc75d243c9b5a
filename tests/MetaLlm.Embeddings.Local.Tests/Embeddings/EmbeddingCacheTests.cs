using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace MetaLlm.Embeddings.Local.Tests;

[Collection(SharedMiniLmModel.Name)]
public sealed class EmbeddingCacheTests(MiniLmFixture fixture)
{
    private static readonly string[] Texts = ["What is 17 times 23?", "Explain recursion to a child.", "Name three prime numbers."];

    [Fact]
    public async Task A_repeated_request_returns_identical_vectors_without_calling_the_model()
    {
        var counting = new CountingEmbeddingGenerator(fixture.Generator);
        using var cached = LocalEmbeddings.WithCache(counting);

        var first = await cached.GenerateAsync(Texts);
        var second = await cached.GenerateAsync(Texts);

        counting.Texts.Should().Be(Texts.Length);
        for (int i = 0; i < Texts.Length; i++)
        {
            second[i].Vector.ToArray().Should().Equal(first[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task Only_the_texts_not_yet_cached_reach_the_model_and_the_order_is_kept()
    {
        var counting = new CountingEmbeddingGenerator(fixture.Generator);
        using var cached = LocalEmbeddings.WithCache(counting);
        await cached.GenerateAsync([Texts[1]]);

        var all = await cached.GenerateAsync(Texts);

        counting.Texts.Should().Be(Texts.Length);
        for (int i = 0; i < Texts.Length; i++)
        {
            all[i].Vector.ToArray().Should().Equal(await fixture.EmbedAsync(Texts[i]), (a, b) => Math.Abs(a - b) < 1e-5f);
        }
    }

    [Fact]
    public async Task Generators_with_different_truncation_sharing_one_cache_do_not_read_each_other_entries()
    {
        var shared = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        using var shortWindow = LocalEmbeddings.CreateGenerator(new MiniLmEmbeddingGeneratorOptions { MaxTokens = 4 }, shared);
        var counting = new CountingEmbeddingGenerator(fixture.Generator);
        using var defaultWindow = LocalEmbeddings.WithCache(counting, shared);
        const string text = "one two three four five six seven";

        var cut = await shortWindow.GenerateAsync([text]);
        var full = await defaultWindow.GenerateAsync([text]);

        counting.Texts.Should().Be(1);
        full[0].Vector.ToArray().Should().NotEqual(cut[0].Vector.ToArray());
    }

    [Fact]
    public async Task A_caller_supplied_distributed_cache_receives_the_entries()
    {
        var cache = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        var counting = new CountingEmbeddingGenerator(fixture.Generator);
        using var cached = LocalEmbeddings.WithCache(counting, cache);
        using var secondPipeline = LocalEmbeddings.WithCache(new CountingEmbeddingGenerator(fixture.Generator), cache);

        var first = await cached.GenerateAsync([Texts[0]]);
        var fromOtherPipeline = await secondPipeline.GenerateAsync([Texts[0]]);

        counting.Texts.Should().Be(1);
        fromOtherPipeline[0].Vector.ToArray().Should().Equal(first[0].Vector.ToArray());
        secondPipeline.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId.Should().Be(MiniLmEmbeddingGenerator.ModelId);
    }
}
