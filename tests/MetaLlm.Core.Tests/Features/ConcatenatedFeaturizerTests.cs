using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

public class ConcatenatedFeaturizerTests
{
    [Fact]
    public async Task The_parts_write_side_by_side_in_order_and_the_fingerprint_names_each_part()
    {
        var embedding = new EmbeddingFeaturizer(new TestEmbeddingGenerator(_ => [3f, 0f, -4f], modelId: "mini"), 3);
        var hashing = new HashingFeaturizer(8);
        var both = new ConcatenatedFeaturizer(embedding, hashing);
        var expectedEmbedding = new float[4];
        var expectedHashing = new float[8];
        var x = new float[12];

        await embedding.FeaturizeAsync(Ask("how do I sort a list?"), null, expectedEmbedding);
        await hashing.FeaturizeAsync(Ask("how do I sort a list?"), null, expectedHashing);
        await both.FeaturizeAsync(Ask("how do I sort a list?"), null, x);

        both.Dimension.Should().Be(12);
        x.Should().Equal(expectedEmbedding.Concat(expectedHashing));
        both.Name.Should().Be("embedding-mini-3+hashing-8");
        both.Fingerprint.Should().Contain(embedding.Fingerprint).And.Contain(hashing.Fingerprint);
        new ConcatenatedFeaturizer(hashing, embedding).Fingerprint.Should().NotBe(both.Fingerprint, "the order of the parts is part of the features");
    }

    [Fact]
    public async Task A_router_routes_on_the_combined_features_and_refuses_a_snapshot_learned_on_one_part()
    {
        var arms = Answering(10, 5, Price(1, 2), Price(2, 4));
        using var single = new MetaLlmRouter(arms, new(), featurizer: new HashingFeaturizer(16));
        var decision = await single.RouteAsync(Ask("hello"));
        single.RecordFeedback(decision.DecisionId, 1, new Microsoft.Extensions.AI.UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 });
        using var combined = new MetaLlmRouter(arms, new(), featurizer: new ConcatenatedFeaturizer(new HashingFeaturizer(16), new HashingFeaturizer(new HashingFeaturizerOptions { Dimension = 8, HashSeed = 3 })));

        (await combined.RouteAsync(Ask("hello"))).Estimates.Should().HaveCount(2);
        combined.Policy.Dimension.Should().Be(24);
        combined.Invoking(r => r.RestoreSnapshot(single.CreateSnapshot())).Should().Throw<ArgumentException>().WithMessage("*hashing-16+hashing-8*");
    }

    [Fact]
    public void Bad_arguments_name_the_problem()
    {
        var part = new HashingFeaturizer(8);
        FluentActions.Invoking(() => new ConcatenatedFeaturizer(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => new ConcatenatedFeaturizer(part)).Should().Throw<ArgumentException>().WithMessage("*at least two*1 were given*");
        FluentActions.Invoking(() => new ConcatenatedFeaturizer(part, null!)).Should().Throw<ArgumentNullException>().WithMessage("*Featurizer 1*");
        FluentActions.Invoking(() => new ConcatenatedFeaturizer(new HashingFeaturizer(4000), new HashingFeaturizer(200))).Should().Throw<ArgumentException>().WithMessage("*4200 features*4096*");
        new ConcatenatedFeaturizer(part, part).Invoking(f => f.FeaturizeAsync(Ask("q"), null, new float[15]).AsTask()).Should().ThrowAsync<ArgumentException>().WithParameterName("destination");
    }
}
