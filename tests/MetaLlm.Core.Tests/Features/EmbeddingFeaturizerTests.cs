using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

public class EmbeddingFeaturizerTests
{
    [Fact]
    public async Task The_embedding_is_normalised_and_followed_by_the_bias()
    {
        var generator = new TestEmbeddingGenerator(_ => [3f, 0f, -4f], modelId: "mini");
        var featurizer = new EmbeddingFeaturizer(generator, 3);
        var x = new float[4];

        await featurizer.FeaturizeAsync(Ask("anything"), null, x);

        x.Should().Equal(0.6f, 0f, -0.8f, 1f);
        featurizer.Dimension.Should().Be(4);
        featurizer.Name.Should().Be("embedding-mini-3");
        new EmbeddingFeaturizer(new TestEmbeddingGenerator(_ => [1f]), 1).Name.Should().Be("embedding-custom-1");
    }

    [Fact]
    public async Task The_generator_embeds_the_routing_text()
    {
        var generator = new TestEmbeddingGenerator(_ => [1f, 1f]);
        var plain = new EmbeddingFeaturizer(generator, 2);
        var withInstructions = new EmbeddingFeaturizer(generator, 2, includeInstructions: true);
        List<ChatMessage> messages = [new(ChatRole.System, "be kind"), new(ChatRole.User, "first"), new(ChatRole.User, "last")];

        await plain.FeaturizeAsync(messages, null, new float[3]);
        await withInstructions.FeaturizeAsync(messages, null, new float[3]);

        generator.Inputs.Should().Equal("last", "be kind\nlast");
    }

    [Fact]
    public async Task A_zero_embedding_gives_only_the_bias()
    {
        var featurizer = new EmbeddingFeaturizer(new TestEmbeddingGenerator(_ => [0f, 0f]), 2);
        var x = new float[3];

        await featurizer.FeaturizeAsync(Ask("q"), null, x);

        x.Should().Equal(0f, 0f, 1f);
    }

    [Fact]
    public async Task Embeddings_of_the_wrong_length_or_with_non_finite_values_are_reported()
    {
        var shortOne = new EmbeddingFeaturizer(new TestEmbeddingGenerator(_ => [1f, 2f]), 3);
        var broken = new EmbeddingFeaturizer(new TestEmbeddingGenerator(_ => [1f, float.NaN]), 2);

        await shortOne.Invoking(f => f.FeaturizeAsync(Ask("q"), null, new float[4]).AsTask()).Should().ThrowAsync<InvalidOperationException>().WithMessage("*returned 2 values*configured for 3*");
        await broken.Invoking(f => f.FeaturizeAsync(Ask("q"), null, new float[3]).AsTask()).Should().ThrowAsync<InvalidOperationException>().WithMessage("*non-finite*");
        await broken.Invoking(f => f.FeaturizeAsync(Ask("q"), null, new float[2]).AsTask()).Should().ThrowAsync<ArgumentException>().WithParameterName("destination");
        FluentActions.Invoking(() => new EmbeddingFeaturizer(null!, 3)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => new EmbeddingFeaturizer(new TestEmbeddingGenerator(_ => [1f]), 0)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task A_router_can_learn_on_embeddings()
    {
        // A toy embedding that separates two kinds of question perfectly.
        var generator = new TestEmbeddingGenerator(text => text.Contains("code", StringComparison.Ordinal) ? [1f, 0f] : [0f, 1f]);
        var featurizer = new EmbeddingFeaturizer(generator, 2);
        using var router = new MetaLlmRouter(Answering(10, 10, Price(1, 1), Price(1, 1)), new() { LinUcb = { Alpha = 0, Seed = 1 }, CostWeight = 0 }, featurizer: featurizer);

        await router.WarmStartAsync(
        [
            new WarmStartExample("code question", new Dictionary<string, ArmOutcome> { ["arm0"] = new(1, Tokens), ["arm1"] = new(0, Tokens) }),
            new WarmStartExample("poem request", new Dictionary<string, ArmOutcome> { ["arm0"] = new(0, Tokens), ["arm1"] = new(1, Tokens) }),
        ]);

        (await router.RouteAsync(Ask("more code please"))).Arm.Name.Should().Be("arm0");
        (await router.RouteAsync(Ask("a haiku please"))).Arm.Name.Should().Be("arm1");
        TensorPrimitives.Norm(new float[] { 1f, 0f }).Should().Be(1f);
    }

    private static UsageDetails Tokens => new() { InputTokenCount = 10, OutputTokenCount = 10 };
}
