using System.Numerics.Tensors;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

public class PrincipalComponentFeaturizerTests(ITestOutputHelper output)
{
    // Samples μ + 3a·u + 1b·w + 0.01·noise in 6 dimensions, with u and w orthonormal and a, b standard normal.
    private static (LookupFeaturizer Inner, List<float[]> Vectors, float[] U, float[] W, float[] Mu) KnownDirections(int count, int seed = 1)
    {
        var random = new Random(seed);
        float[] u = Unit([1, 2, 0, -1, 0, 1]);
        float[] w = [.. Unit([2, -1, 1, 0, 1, 0])];
        float projection = TensorPrimitives.Dot(w, u);
        w = Unit([.. w.Select((v, i) => v - (projection * u[i]))]);
        float[] mu = [0.5f, -1f, 2f, 0f, 0.25f, 1f];
        var inner = new LookupFeaturizer(6);
        var vectors = new List<float[]>();
        for (int i = 0; i < count; i++)
        {
            double a = Gaussian(random), b = Gaussian(random);
            vectors.Add([.. Enumerable.Range(0, 6).Select(c => (float)(mu[c] + (3 * a * u[c]) + (b * w[c]) + (0.01 * Gaussian(random))))]);
        }

        return (inner, vectors, u, w, mu);
    }

    [Fact]
    public void It_finds_the_directions_the_samples_vary_in_largest_first_and_writes_centred_coordinates_and_a_bias()
    {
        var (inner, vectors, u, w, mu) = KnownDirections(2000);

        var pca = PrincipalComponentFeaturizer.Fit(inner, Flatten(vectors), vectors.Count, dimension: 3);

        pca.Dimension.Should().Be(3);
        var components = pca.Components.ToArray();
        Math.Abs(TensorPrimitives.Dot(components.AsSpan(0, 6), u)).Should().BeGreaterThan(0.999f, "the first direction is the one of variance 9");
        Math.Abs(TensorPrimitives.Dot(components.AsSpan(6, 6), w)).Should().BeGreaterThan(0.999f, "the second is the one of variance 1");
        pca.Mean.ToArray().Should().Equal(mu, (a, b) => Math.Abs(a - b) < 0.2f);
        pca.Scales.ToArray().Should().Equal(1f, 1f);

        var x = Featurize(pca, inner, vectors[7]);
        x[0].Should().BeApproximately(TensorPrimitives.Dot(components.AsSpan(0, 6), vectors[7]) - TensorPrimitives.Dot(components.AsSpan(0, 6), pca.Mean.Span), 1e-4f);
        x[2].Should().Be(1f);
        var first = vectors.Select(v => (double)Featurize(pca, inner, v)[0]).ToList();
        first.Average().Should().BeApproximately(0, 1e-3, "the coordinates are centred on the samples");
        Variance(first).Should().BeApproximately(9, 0.8);
    }

    [Fact]
    public void Whitening_gives_every_kept_direction_unit_variance_on_the_samples()
    {
        var (inner, vectors, _, _, _) = KnownDirections(500);

        var pca = PrincipalComponentFeaturizer.Fit(inner, Flatten(vectors), vectors.Count, dimension: 3, whiten: true);

        var features = vectors.Select(v => Featurize(pca, inner, v)).ToList();
        Variance([.. features.Select(x => (double)x[0])]).Should().BeApproximately(1, 1e-3);
        Variance([.. features.Select(x => (double)x[1])]).Should().BeApproximately(1, 1e-3);
        pca.Scales.Span[0].Should().BeApproximately(3, 0.3f);
    }

    [Fact]
    public void With_fewer_samples_than_features_it_keeps_at_most_one_direction_fewer_than_samples_and_they_are_orthonormal()
    {
        // 12 samples in 40 dimensions: the fit decomposes the 12 × 12 Gram matrix instead of the 40 × 40 scatter.
        var random = new Random(4);
        var vectors = Enumerable.Range(0, 12).Select(_ => Enumerable.Range(0, 40).Select(_ => (float)Gaussian(random)).ToArray()).ToList();
        var inner = new LookupFeaturizer(40);

        var pca = PrincipalComponentFeaturizer.Fit(inner, Flatten(vectors), vectors.Count, dimension: 30);

        pca.Dimension.Should().Be(12, "12 centred samples span 11 directions, plus the bias");
        var components = pca.Components.ToArray();
        for (int i = 0; i < 11; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                TensorPrimitives.Dot(components.AsSpan(i * 40, 40), components.AsSpan(j * 40, 40)).Should().BeApproximately(i == j ? 1f : 0f, 1e-4f, $"directions {i} and {j}");
            }
        }

        // Eleven directions hold all of the samples' variance, in decreasing order.
        var features = vectors.Select(v => Featurize(pca, inner, v)).ToList();
        var variances = Enumerable.Range(0, 11).Select(j => Variance([.. features.Select(x => (double)x[j])])).ToList();
        variances.Should().BeInDescendingOrder();
        double total = Enumerable.Range(0, 40).Sum(c => Variance([.. vectors.Select(v => (double)v[c])]));
        variances.Sum().Should().BeApproximately(total, total * 1e-4);
    }

    [Fact]
    public void The_same_samples_fit_the_same_projection_and_other_samples_another_fingerprint()
    {
        var (inner, vectors, _, _, _) = KnownDirections(300);
        var (_, others, _, _, _) = KnownDirections(300, seed: 2);

        var first = PrincipalComponentFeaturizer.Fit(inner, Flatten(vectors), vectors.Count, 3);
        var again = PrincipalComponentFeaturizer.Fit(inner, Flatten(vectors), vectors.Count, 3);
        var other = PrincipalComponentFeaturizer.Fit(inner, Flatten(others), others.Count, 3);
        var rebuilt = new PrincipalComponentFeaturizer(inner, first.Mean.Span, first.Components.Span, first.Scales.Span);

        again.Fingerprint.Should().Be(first.Fingerprint);
        rebuilt.Fingerprint.Should().Be(first.Fingerprint);
        other.Fingerprint.Should().NotBe(first.Fingerprint);
        Featurize(rebuilt, inner, vectors[3]).Should().Equal(Featurize(first, inner, vectors[3]));
        first.Name.Should().Be("lookup-pca-3");
        first.Fingerprint.Should().Contain("inner=(lookup)");
    }

    [Fact]
    public async Task FitAsync_featurizes_the_sample_requests_with_the_inner_featurizer()
    {
        var (inner, vectors, _, _, _) = KnownDirections(200);
        var requests = vectors.Select(inner.Add).ToList();

        var fromRequests = await PrincipalComponentFeaturizer.FitAsync(inner, requests, 3);

        fromRequests.Fingerprint.Should().Be(PrincipalComponentFeaturizer.Fit(inner, Flatten(vectors), vectors.Count, 3).Fingerprint);
    }

    [Fact]
    public void A_saved_projection_loads_back_exactly_and_only_on_the_featurizer_it_was_fitted_on()
    {
        var (inner, vectors, _, _, _) = KnownDirections(300);
        var pca = PrincipalComponentFeaturizer.Fit(inner, Flatten(vectors), vectors.Count, 3, whiten: true);
        string folder = Directory.CreateTempSubdirectory("metallm-pca").FullName;
        string path = Path.Combine(folder, "pca.bin");
        try
        {
            File.WriteAllText(path, "an older file");
            pca.Save(path);
            var loaded = PrincipalComponentFeaturizer.Load(path, inner);

            loaded.Fingerprint.Should().Be(pca.Fingerprint);
            Featurize(loaded, inner, vectors[5]).Should().Equal(Featurize(pca, inner, vectors[5]));
            Directory.GetFiles(folder).Should().ContainSingle("the temporary file is renamed over the target");
            FluentActions.Invoking(() => PrincipalComponentFeaturizer.Load(path, new LookupFeaturizer(6, "another")))
                .Should().Throw<ArgumentException>().WithParameterName("inner").WithMessage("*'lookup' (6 features)*'another' (6 features)*");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_damaged_truncated_or_foreign_file_is_refused_as_invalid_data()
    {
        var (inner, vectors, _, _, _) = KnownDirections(300);
        var saved = new MemoryStream();
        PrincipalComponentFeaturizer.Fit(inner, Flatten(vectors), vectors.Count, 3).Save(saved);
        byte[] bytes = saved.ToArray();

        byte[] flipped = [.. bytes];
        flipped[bytes.Length / 2] ^= 0x40;
        Load(flipped).Should().Throw<InvalidDataException>().WithMessage("*checksum*");
        Load(bytes[..^10]).Should().Throw<InvalidDataException>();
        Load("MLPC"u8.ToArray()).Should().Throw<InvalidDataException>().WithMessage("*not a saved*");
        Load("{\"format\": 2}"u8.ToArray()).Should().Throw<InvalidDataException>().WithMessage("*not a saved*");
        Load(bytes).Should().NotThrow();

        Func<PrincipalComponentFeaturizer> Load(byte[] content) => () => PrincipalComponentFeaturizer.Load(new MemoryStream(content), inner);
    }

    [Fact]
    public void Bad_arguments_name_the_problem()
    {
        var (inner, vectors, _, _, _) = KnownDirections(10);
        float[] flat = Flatten(vectors);
        FluentActions.Invoking(() => PrincipalComponentFeaturizer.Fit(null!, flat, 10, 3)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => PrincipalComponentFeaturizer.Fit(inner, flat, 10, 1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("dimension");
        FluentActions.Invoking(() => PrincipalComponentFeaturizer.Fit(inner, flat, 10, 7)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'lookup' (6 features)*");
        FluentActions.Invoking(() => PrincipalComponentFeaturizer.Fit(inner, flat.AsSpan(0, 6), 1, 3)).Should().Throw<ArgumentException>().WithMessage("*at least two samples*");
        FluentActions.Invoking(() => PrincipalComponentFeaturizer.Fit(inner, flat, 9, 3)).Should().Throw<ArgumentException>().WithParameterName("vectors").WithMessage("*9 samples of 6 features*");
        float[] withNaN = [.. flat];
        withNaN[13] = float.NaN;
        FluentActions.Invoking(() => PrincipalComponentFeaturizer.Fit(inner, withNaN, 10, 3)).Should().Throw<ArgumentException>().WithMessage("*Value 13 is NaN*");
        float[] same = [.. Enumerable.Repeat(vectors[0], 10).SelectMany(v => v)];
        FluentActions.Invoking(() => PrincipalComponentFeaturizer.Fit(inner, same, 10, 3)).Should().Throw<ArgumentException>().WithMessage("*all the same*");

        var mean = new float[6];
        var component = new float[6];
        component[0] = 1;
        FluentActions.Invoking(() => new PrincipalComponentFeaturizer(inner, mean, component, [0f])).Should().Throw<ArgumentException>().WithParameterName("scales");
        FluentActions.Invoking(() => new PrincipalComponentFeaturizer(inner, mean.AsSpan(0, 5), component, [1f])).Should().Throw<ArgumentException>().WithParameterName("mean");
        FluentActions.Invoking(() => new PrincipalComponentFeaturizer(inner, mean, component.AsSpan(0, 5), [1f])).Should().Throw<ArgumentException>().WithParameterName("components");
        FluentActions.Invoking(() => new PrincipalComponentFeaturizer(inner, mean, new float[36], new float[6])).Should().Throw<ArgumentException>().WithMessage("*from 1 to 5 directions*");
        var pca = new PrincipalComponentFeaturizer(inner, mean, component, [1f]);
        pca.Invoking(f => f.FeaturizeAsync(Ask("q"), null, new float[3]).AsTask()).Should().ThrowAsync<ArgumentException>().WithParameterName("destination");
        FluentActions.Invoking(() => pca.Save(" ")).Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task A_router_refuses_a_snapshot_learned_on_another_projection_and_UsePrincipalComponents_loads_a_saved_one()
    {
        var arms = Answering(10, 5, Price(1, 2), Price(2, 4));
        var prompts = new[] { "sort a list in python", "what is the capital of france", "solve 3x + 4 = 10", "write a haiku about rain", "translate hello to german" };
        var hashing = new HashingFeaturizer(64);
        var samples = prompts.Select(p => Ask(p)).ToList();
        var first = await PrincipalComponentFeaturizer.FitAsync(hashing, samples, 4);
        var second = await PrincipalComponentFeaturizer.FitAsync(hashing, samples.Take(4), 4);
        using var learned = new MetaLlmRouter(arms, new(), featurizer: first);
        var response = await learned.GetResponseAsync(Ask("hello"));
        learned.RecordFeedback(response.GetDecisionId()!, 1);
        var snapshot = learned.CreateSnapshot();
        using var other = new MetaLlmRouter(arms, new(), featurizer: second);
        other.Invoking(r => r.RestoreSnapshot(snapshot)).Should().Throw<ArgumentException>().WithMessage("*pca-v1*");

        string path = Path.Combine(Path.GetTempPath(), $"metallm-pca-{Guid.NewGuid():N}.bin");
        try
        {
            first.Save(path);
            var services = new ServiceCollection();
            services.AddMetaLlmRouter(b => b.AddArm("only", TestChatClient.Answering("hi", 10, 5), Price(1, 2))
                .Configure(o => o.FeatureDimension = 64)
                .UsePrincipalComponents(path));
            using var provider = services.BuildServiceProvider();

            var router = provider.GetRequiredService<MetaLlmRouter>();

            router.Featurizer.Fingerprint.Should().Be(first.Fingerprint);
            router.Policy.Dimension.Should().Be(first.Dimension);
            (await router.GetResponseAsync(Ask("hello"))).GetArmName().Should().Be("only");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LinUCB_learning_from_scratch_loses_less_on_a_few_principal_components_than_on_every_feature()
    {
        // Contexts near 4 region centres in 256 noisy dimensions; the arms' rewards depend on the region only. The
        // projection is fitted on 300 contexts alone (no rewards), as a router would fit it on sample prompts.
        const int Rounds = 400;
        double rawTotal = 0, projectedTotal = 0;
        for (int seed = 0; seed < 5; seed++)
        {
            var sampling = new ClusteredBanditProblem(seed, dimension: 257, spread: 0.1);
            var inner = new LookupFeaturizer(257);
            var samples = Enumerable.Range(0, 300).Select(_ => sampling.NextContext().Context).ToList();
            var pca = PrincipalComponentFeaturizer.Fit(inner, Flatten(samples), samples.Count, dimension: 5);

            double raw = BanditSimulation.Run(new LinUcbPolicy(4, 257, new() { Alpha = 0.5, Seed = seed }), new ClusteredBanditProblem(seed, dimension: 257, spread: 0.1), Rounds).Sum(r => r.Regret);
            double projected = RunProjected(pca, inner, new ClusteredBanditProblem(seed, dimension: 257, spread: 0.1), seed, Rounds);
            output.WriteLine($"seed {seed}: cumulative regret over {Rounds} rounds, all 257 features {raw:F1}, 5 principal components {projected:F1}");

            projected.Should().BeLessThan(raw, $"seed {seed}");
            rawTotal += raw;
            projectedTotal += projected;
        }

        projectedTotal.Should().BeLessThan(rawTotal * 0.7, "over five seeds the projection loses clearly less");
    }

    private static double RunProjected(PrincipalComponentFeaturizer pca, LookupFeaturizer inner, ClusteredBanditProblem problem, int seed, int rounds)
    {
        using var policy = new LinUcbPolicy(4, pca.Dimension, new() { Alpha = 0.5, Seed = seed });
        var estimates = new ArmEstimate[4];
        double regret = 0;
        for (int t = 0; t < rounds; t++)
        {
            var (context, region) = problem.NextContext();
            var x = Featurize(pca, inner, context);
            var decision = policy.Decide(x, estimates);
            policy.Update(decision.Arm, x, problem.SampleReward(region, decision.Arm));
            regret += problem.Regret(region, decision.Arm);
        }

        return regret;
    }

    private static float[] Featurize(PrincipalComponentFeaturizer pca, LookupFeaturizer inner, float[] vector)
    {
        var x = new float[pca.Dimension];
        var pending = pca.FeaturizeAsync(inner.Add(vector), null, x);
        pending.IsCompletedSuccessfully.Should().BeTrue();
        return x;
    }

    private static float[] Flatten(IEnumerable<float[]> vectors) => [.. vectors.SelectMany(v => v)];

    private static float[] Unit(float[] v)
    {
        float norm = TensorPrimitives.Norm(v);
        return [.. v.Select(x => x / norm)];
    }

    private static double Variance(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
    }

    private static double Gaussian(Random random) => MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1);
}
