using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;

namespace MetaLlm.Embeddings.Local.Tests;

public sealed class LocalEmbeddingsRouterBuilderExtensionsTests
{
    [Fact]
    public async Task UseLocalEmbeddings_makes_MiniLM_the_router_featurizer()
    {
        var services = new ServiceCollection();
        services.AddMetaLlmRouter(router => router
            .AddArm("small", Substitute.For<IChatClient>(), new ModelPricing(0.1m, 0.2m))
            .AddArm("large", Substitute.For<IChatClient>(), new ModelPricing(3m, 15m))
            .UseLocalEmbeddings(options => options.MaxTokens = 128));
        await using var provider = services.BuildServiceProvider();

        var router = provider.GetRequiredService<MetaLlmRouter>();
        var decision = await router.RouteAsync([new ChatMessage(ChatRole.User, "What is 2 + 2?")]);

        router.Featurizer.Dimension.Should().Be(385);
        router.Featurizer.Name.Should().Contain(MiniLmEmbeddingGenerator.ModelId);
        decision.Arm.Name.Should().BeOneOf("small", "large");
    }

    [Fact]
    public async Task Principal_components_fitted_on_CreateFeaturizer_load_onto_UseLocalEmbeddings()
    {
        // The README's way to learn from scratch: fit offline on sample prompts, save, load in the app.
        var prompts = new[]
        {
            "What is 2 + 2?", "Solve 3x + 4 = 10.", "Write a Python function that reverses a list.", "Sort an array in C#.",
            "What is the capital of France?", "Who wrote Hamlet?", "Translate 'good morning' to German.", "Summarise this paragraph.",
        };
        string path = Path.Combine(Path.GetTempPath(), $"metallm-pca-{Guid.NewGuid():N}.bin");
        try
        {
            var fitted = await PrincipalComponentFeaturizer.FitAsync(
                LocalEmbeddings.CreateFeaturizer(), prompts.Select(p => (IEnumerable<ChatMessage>)[new ChatMessage(ChatRole.User, p)]), dimension: 5);
            fitted.Save(path);
            var services = new ServiceCollection();
            services.AddMetaLlmRouter(router => router
                .AddArm("small", Substitute.For<IChatClient>(), new ModelPricing(0.1m, 0.2m))
                .AddArm("large", Substitute.For<IChatClient>(), new ModelPricing(3m, 15m))
                .UseLocalEmbeddings()
                .UsePrincipalComponents(path));
            await using var provider = services.BuildServiceProvider();

            var router = provider.GetRequiredService<MetaLlmRouter>();
            var decision = await router.RouteAsync([new ChatMessage(ChatRole.User, "What is 3 + 5?")]);

            router.Featurizer.Fingerprint.Should().Be(fitted.Fingerprint);
            router.Policy.Dimension.Should().Be(5);
            decision.Arm.Name.Should().BeOneOf("small", "large");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UseLocalEmbeddings_checks_the_options_when_configured()
    {
        var services = new ServiceCollection();

        FluentActions.Invoking(() => services.AddMetaLlmRouter(router => router
                .AddArm("only", Substitute.For<IChatClient>(), new ModelPricing(1m, 1m))
                .UseLocalEmbeddings(options => options.MaxTokens = 1000)))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxTokens");
    }

    [Fact]
    public async Task CreateFeaturizer_writes_a_unit_embedding_and_the_bias()
    {
        var featurizer = LocalEmbeddings.CreateFeaturizer(includeInstructions: true);
        var features = new float[featurizer.Dimension];

        await featurizer.FeaturizeAsync(
            [new ChatMessage(ChatRole.System, "You are a careful math tutor."), new ChatMessage(ChatRole.User, "What is 2 + 2?")],
            options: null,
            features);

        featurizer.Dimension.Should().Be(385);
        TensorPrimitives.Norm(features.AsSpan(0, 384)).Should().BeApproximately(1f, 1e-5f);
        features[384].Should().Be(1f);
    }
}
