using System.Numerics.Tensors;
using Microsoft.Extensions.DependencyInjection;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

public class RandomProjectionFeaturizerTests
{
    [Fact]
    public async Task Each_feature_is_a_fixed_signed_sum_of_the_inner_features_and_the_last_is_the_bias()
    {
        var inner = new TestEmbeddingGenerator(_ => [3f, 0f, -4f]);
        var embedding = new EmbeddingFeaturizer(inner, 3);
        var projection = new RandomProjectionFeaturizer(embedding, dimension: 3, seed: 5);
        var innerVector = new float[4];
        var x = new float[3];

        await embedding.FeaturizeAsync(Ask("q"), null, innerVector);
        await projection.FeaturizeAsync(Ask("q"), null, x);

        projection.Dimension.Should().Be(3);
        x[2].Should().Be(1f);
        float scale = 1 / MathF.Sqrt(2);
        foreach (float value in x[..2])
        {
            // ±0.6 ± 0 ± 0.8 ± 1 (the inner bias), over √2: one of the sign combinations.
            var possible = from a in new[] { -1, 1 } from b in new[] { -1, 1 } from c in new[] { -1, 1 } select scale * ((a * 0.6f) + (b * -0.8f) + (c * 1f));
            possible.Should().Contain(p => Math.Abs(p - value) < 1e-6);
        }
    }

    [Fact]
    public async Task The_same_seed_projects_alike_in_every_instance_and_another_seed_is_another_fingerprint()
    {
        var inner = new HashingFeaturizer(256);
        var first = new RandomProjectionFeaturizer(inner, 33, seed: 1);
        var again = new RandomProjectionFeaturizer(new HashingFeaturizer(256), 33, seed: 1);
        var other = new RandomProjectionFeaturizer(inner, 33, seed: 2);
        var (a, b, c) = (new float[33], new float[33], new float[33]);

        await first.FeaturizeAsync(Ask("how do I sort a list in python?"), null, a);
        await again.FeaturizeAsync(Ask("how do I sort a list in python?"), null, b);
        await other.FeaturizeAsync(Ask("how do I sort a list in python?"), null, c);

        b.Should().Equal(a);
        c.Should().NotEqual(a);
        again.Fingerprint.Should().Be(first.Fingerprint);
        other.Fingerprint.Should().NotBe(first.Fingerprint);
        new RandomProjectionFeaturizer(new HashingFeaturizer(128), 33, seed: 1).Fingerprint.Should().NotBe(first.Fingerprint, "the inner featurizer's settings are part of it");
        first.Name.Should().Be("hashing-256-projected-33");
    }

    [Fact]
    public async Task Distances_between_requests_survive_the_projection_within_a_small_factor()
    {
        // Johnson–Lindenstrauss: with 128 projections, squared distances keep within about ±35% with high probability.
        var random = new Random(3);
        var vectors = Enumerable.Range(0, 30).Select(_ => Enumerable.Range(0, 384).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray()).ToList();
        int next = 0;
        var inner = new EmbeddingFeaturizer(new TestEmbeddingGenerator(_ => vectors[next++]), 384);
        var projection = new RandomProjectionFeaturizer(inner, 129, seed: 9);
        var original = new List<float[]>();
        var projected = new List<float[]>();
        for (int i = 0; i < vectors.Count; i++)
        {
            var x = new float[129];
            await projection.FeaturizeAsync(Ask("q"), null, x);
            projected.Add(x[..128]);
            var norm = TensorPrimitives.Norm(vectors[i]);
            original.Add([.. vectors[i].Select(v => v / norm)]);
        }

        for (int i = 0; i < vectors.Count; i++)
        {
            for (int j = i + 1; j < vectors.Count; j++)
            {
                float before = TensorPrimitives.Distance(original[i], original[j]);
                float after = TensorPrimitives.Distance(projected[i], projected[j]);
                (after / before).Should().BeInRange(0.65f, 1.35f, $"requests {i} and {j}");
            }
        }
    }

    [Fact]
    public async Task A_router_refuses_a_snapshot_learned_on_another_projection()
    {
        var arms = Answering(10, 5, Price(1, 2), Price(2, 4));
        using var learned = new MetaLlmRouter(arms, new(), featurizer: new RandomProjectionFeaturizer(new HashingFeaturizer(64), 17, seed: 1));
        var response = await learned.GetResponseAsync(Ask("hello"));
        learned.RecordFeedback(response.GetDecisionId()!, 1);
        var snapshot = learned.CreateSnapshot();
        using var other = new MetaLlmRouter(arms, new(), featurizer: new RandomProjectionFeaturizer(new HashingFeaturizer(64), 17, seed: 2));

        other.Invoking(r => r.RestoreSnapshot(snapshot)).Should().Throw<ArgumentException>().WithMessage("*seed=1*seed=2*");
    }

    [Fact]
    public void Bad_arguments_name_the_problem()
    {
        var inner = new HashingFeaturizer(32);
        FluentActions.Invoking(() => new RandomProjectionFeaturizer(null!, 8)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => new RandomProjectionFeaturizer(inner, 1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("dimension");
        FluentActions.Invoking(() => new RandomProjectionFeaturizer(inner, 33)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*hashing-32*32 features*");
        new RandomProjectionFeaturizer(inner, 8).Invoking(f => f.FeaturizeAsync(Ask("q"), null, new float[7]).AsTask()).Should().ThrowAsync<ArgumentException>().WithParameterName("destination");
    }

    [Fact]
    public async Task UseRandomProjection_projects_the_default_hashing_featurizer_of_the_configured_dimension()
    {
        var services = new ServiceCollection();
        services.AddMetaLlmRouter(b => b.AddArm("only", TestChatClient.Answering("hi", 10, 5), Price(1, 2))
            .Configure(o => o.FeatureDimension = 64)
            .UseRandomProjection(17, seed: 4));
        using var provider = services.BuildServiceProvider();

        var router = provider.GetRequiredService<MetaLlmRouter>();

        router.Featurizer.Should().BeOfType<RandomProjectionFeaturizer>().Which.Seed.Should().Be(4);
        router.Featurizer.Dimension.Should().Be(17);
        router.Featurizer.Name.Should().Be("hashing-64-projected-17");
        router.Policy.Dimension.Should().Be(17);
        (await router.GetResponseAsync(Ask("hello"))).GetArmName().Should().Be("only");
    }
}
