using static MetaLlm.Tests.LinearBanditPolicyTests;

namespace MetaLlm.Tests;

public class RidgePenaltySelectionTests
{
    [Theory]
    [InlineData(40, 6)]    // more examples than features
    [InlineData(24, 40)]   // more features than examples
    public void Leave_one_out_errors_equal_refitting_without_each_example(int count, int dimension)
    {
        const int K = 2;
        var (contexts, scores) = LinearData(seed: 3, K, dimension, count, noise: [0.1, 0.4]);
        using var policy = new LinUcbPolicy(K, dimension, new() { Regularization = 0.8 });

        var result = policy.FitWithPenaltySelection(Flatten(contexts), Observations(scores), count)!;

        var widened = contexts.Select(ClosedFormRidge.Widen).ToList();
        for (int arm = 0; arm < K; arm++)
        {
            var errors = result.GetValidationErrors(arm);
            foreach (int c in new[] { 0, result.Candidates.Count / 2, result.Candidates.Count - 1 })
            {
                double penalty = result.Candidates[c];
                double sum = 0;
                for (int left = 0; left < count; left++)
                {
                    var others = Enumerable.Range(0, count).Where(i => i != left).ToList();
                    var model = new ClosedFormRidge([.. others.Select(i => widened[i])], [.. others.Select(i => scores[(i * K) + arm])], dimension, penalty);
                    double error = scores[(left * K) + arm] - model.Predict(widened[left]);
                    sum += error * error;
                }

                errors[c].Should().BeApproximately(sum / count, 1e-9 * (1 + (sum / count)), $"arm {arm} at penalty {penalty}");
            }
        }
    }

    [Theory]
    [InlineData(60, true)]
    [InlineData(1500, false)]
    public void The_chosen_penalty_predicts_held_out_data_within_noise_of_the_best_in_hindsight(int count, bool fewExamples)
    {
        // y = xᵀw + noise with w ~ N(0, τ²): ridge's best penalty is σ²/τ² in expectation.
        const int K = 1, D = 30;
        var (contexts, scores, weights) = LinearDataWithWeights(seed: 11, K, D, count, noise: [0.5], weightScale: 0.3);
        using var policy = new LinUcbPolicy(K, D, new() { Regularization = 300 });

        var result = policy.FitWithPenaltySelection(Flatten(contexts), Observations(scores), count)!;

        var (testContexts, testScores, _) = LinearDataWithWeights(seed: 12, K, D, 4000, noise: [0.5], weightScale: 0.3, weights: weights);
        var heldOut = result.Candidates.Select(p => HeldOutError(contexts, scores, testContexts, testScores, D, p)).ToList();
        double chosen = HeldOutError(contexts, scores, testContexts, testScores, D, result.Penalties[0]);
        chosen.Should().BeLessThanOrEqualTo(heldOut.Min() * 1.03, $"with {count} examples the chosen penalty {result.Penalties[0]:G3} must predict within 3% of the best candidate {result.Candidates[heldOut.IndexOf(heldOut.Min())]:G3}");
        if (fewExamples)
        {
            chosen.Should().BeLessThan(HeldOutError(contexts, scores, testContexts, testScores, D, 1e-3) * 0.9, "with few examples a near-zero penalty overfits");
        }

        policy.GetRegularization(0).Should().Be(result.Penalties[0]);
    }

    [Fact]
    public void Above_1024_features_the_penalties_are_chosen_on_1024_evenly_spaced_examples_and_every_example_is_learned()
    {
        const int K = 1, D = 1030, N = 1100;
        var (contexts, scores) = LinearData(seed: 13, K, D, N, noise: [0.3]);
        using var policy = new LinUcbPolicy(K, D, new() { Regularization = 1 });

        var result = policy.FitWithPenaltySelection(Flatten(contexts), Observations(scores), N)!;

        result.ExampleCount.Should().Be(1024, "the decomposition is kept at 1,024 × 1,024");
        policy.GetObservationCount(0).Should().Be(N);
        policy.GetRegularization(0).Should().Be(result.Penalties[0]);
    }

    [Fact]
    public void Noisier_arms_get_stronger_penalties_and_shared_selection_gives_every_arm_one()
    {
        const int K = 2, D = 10, N = 400;
        var (contexts, scores) = LinearData(seed: 5, K, D, N, noise: [0.02, 1.0]);

        using var perArm = new LinUcbPolicy(K, D, new() { Regularization = 1 });
        var chosen = perArm.FitWithPenaltySelection(Flatten(contexts), Observations(scores), N)!;
        chosen.Selection.Should().Be(RidgePenaltySelection.PerArm);
        chosen.Penalties[1].Should().BeGreaterThan(chosen.Penalties[0] * 10, "the arm whose score is mostly noise must lean on the prior");
        chosen.ValidationErrors[0].Should().BeLessThanOrEqualTo(chosen.ConfiguredValidationErrors[0]);
        chosen.Candidates.Should().BeInAscendingOrder().And.Contain(1.0, "the configured penalty is always a candidate");

        using var shared = new LinUcbPolicy(K, D, new() { Regularization = 1, PenaltySelection = RidgePenaltySelection.Shared });
        var one = shared.FitWithPenaltySelection(Flatten(contexts), Observations(scores), N)!;
        one.Penalties.Distinct().Should().ContainSingle();
        shared.GetRegularization(0).Should().Be(shared.GetRegularization(1));
    }

    [Fact]
    public void Configured_selection_and_small_warm_starts_keep_the_configured_penalty()
    {
        const int K = 2, D = 6;
        var (contexts, scores) = LinearData(seed: 7, K, D, 200, noise: [0.5, 0.5]);
        using var configured = new EpsilonGreedyPolicy(K, D, new() { Regularization = 3, PenaltySelection = RidgePenaltySelection.Configured });
        configured.FitWithPenaltySelection(Flatten(contexts), Observations(scores), 200).Should().BeNull();
        configured.GetRegularization(1).Should().Be(3);

        int few = LinearBanditPolicy.MinPenaltySelectionExamples - 1;
        using var small = new ThompsonSamplingPolicy(K, D, new() { Regularization = 3 });
        small.FitWithPenaltySelection(Flatten(contexts.Take(few)), Observations(scores.AsSpan(0, few * K)), few).Should().BeNull();
        small.GetRegularization(0).Should().Be(3);
    }

    [Fact]
    public void A_chosen_penalty_survives_export_and_import_and_configured_selection_overrides_it()
    {
        const int K = 2, D = 8, N = 300;
        var (contexts, scores) = LinearData(seed: 9, K, D, N, noise: [0.05, 0.8]);
        using var tuned = new LinUcbPolicy(K, D, new() { Regularization = 1 });
        var result = tuned.FitWithPenaltySelection(Flatten(contexts), Observations(scores), N)!;
        var statistics = tuned.ExportStatistics();
        statistics.Select(s => s.Regularization).Should().Equal(result.Penalties.Select(p => (double?)p), "a chosen penalty is saved even when it equals the configured one");

        using var restored = new LinUcbPolicy(K, D, new() { Regularization = 7 });
        restored.ImportStatistics(statistics);
        Enumerable.Range(0, K).Select(restored.GetRegularization).Should().Equal(result.Penalties);
        restored.GetScoreWeights(1).ShouldBeCloseTo(tuned.GetScoreWeights(1), 1e-12, "θ of the restored arm");

        using var pinned = new LinUcbPolicy(K, D, new() { Regularization = 1, PenaltySelection = RidgePenaltySelection.Configured });
        pinned.ImportStatistics(statistics);
        Enumerable.Range(0, K).Select(pinned.GetRegularization).Should().OnlyContain(p => p == 1);
        pinned.ExportStatistics().Should().OnlyContain(s => s.Regularization == null, "a configured penalty is not saved as a choice");
    }

    [Fact]
    public void Statistics_with_a_penalty_that_is_not_positive_are_refused_and_nothing_changes()
    {
        using var policy = new LinUcbPolicy(1, 3);
        var before = policy.ExportStatistics();
        foreach (double bad in new[] { 0, -1, double.NaN, double.PositiveInfinity })
        {
            var statistics = new ArmStatistics(3) { Regularization = bad };
            statistics.GetValidationErrors().Should().ContainSingle().Which.Should().Contain("Regularization");
            policy.Invoking(p => p.ImportStatistics([statistics])).Should().Throw<ArgumentException>().WithMessage("*Regularization*");
            policy.ExportStatistics()[0].Gram.Should().Equal(before[0].Gram);
            policy.GetRegularization(0).Should().Be(1);
        }
    }

    [Fact]
    public void Bad_examples_are_refused_before_any_penalty_changes()
    {
        const int K = 2, D = 4, N = 30;
        var (contexts, scores) = LinearData(seed: 2, K, D, N, noise: [0.3, 0.3]);
        var flat = Flatten(contexts);
        flat[7] = float.NaN;
        using var policy = new LinUcbPolicy(K, D, new() { Regularization = 2 });

        policy.Invoking(p => p.FitWithPenaltySelection(flat, Observations(scores), N)).Should().Throw<ArgumentException>().WithMessage("*Context 1*non-finite*");

        policy.GetRegularization(0).Should().Be(2);
        policy.GetObservationCount(0).Should().Be(0);
    }

    [Fact]
    public void A_policy_copied_from_another_estimates_as_it_keeps_its_penalties_and_learns_on_its_own()
    {
        const int K = 3, D = 70, N = 200;
        var (contexts, scores) = LinearData(seed: 21, K, D, N, noise: [0.05, 0.3, 0.9]);
        using var source = new LinUcbPolicy(K, D, new() { Alpha = 0.2, Seed = 1 });
        source.FitWithPenaltySelection(Flatten(contexts), Observations(scores), N);
        var random = new Random(5);
        for (int i = 0; i < 7; i++)
        {
            // Queued, not yet folded into the reference model: the copy must see them too.
            source.Update(1, RandomContext(random, D), new ArmObservation(0.4, default, 0));
        }

        using var copy = new ThompsonSamplingPolicy(K, D, new() { Regularization = 9, Seed = 2 });
        copy.CopyStateFrom(source);

        Enumerable.Range(0, K).Select(copy.GetRegularization).Should().Equal(Enumerable.Range(0, K).Select(source.GetRegularization));
        var x = RandomContext(random, D);
        var expected = new ArmEstimate[K];
        var actual = new ArmEstimate[K];
        source.Estimate(x, 0, expected);
        copy.Estimate(x, 0, actual);
        actual.Select(e => e.PredictedScore).Should().Equal(expected.Select(e => e.PredictedScore), (a, b) => Math.Abs(a - b) < 1e-6);
        actual.Select(e => e.Uncertainty).Should().Equal(expected.Select(e => e.Uncertainty), (a, b) => Math.Abs(a - b) < 1e-6);
        for (int arm = 0; arm < K; arm++)
        {
            copy.ExportStatistics()[arm].Gram.Should().Equal(source.ExportStatistics()[arm].Gram);
            copy.GetScoreWeights(arm).ShouldBeCloseTo(source.GetScoreWeights(arm), 1e-12, $"θ of arm {arm}");
        }

        long before = source.GetObservationCount(0);
        copy.Update(0, x, new ArmObservation(1, default, 0));
        source.GetObservationCount(0).Should().Be(before, "the copy learns on its own");
        copy.GetObservationCount(0).Should().Be(before + 1);
    }

    [Fact]
    public void Copying_from_a_policy_of_another_shape_or_a_disposed_one_is_refused()
    {
        using var policy = new LinUcbPolicy(2, 4);
        policy.Invoking(p => p.CopyStateFrom(new LinUcbPolicy(3, 4))).Should().Throw<ArgumentException>().WithMessage("*3 arms and 4 features*2 arms and 4 features*");
        policy.Invoking(p => p.CopyStateFrom(new LinUcbPolicy(2, 5))).Should().Throw<ArgumentException>().WithParameterName("source");
        var disposed = new LinUcbPolicy(2, 4);
        disposed.Dispose();
        policy.Invoking(p => p.CopyStateFrom(disposed)).Should().Throw<ObjectDisposedException>();
        policy.Invoking(p => p.CopyStateFrom(null!)).Should().Throw<ArgumentNullException>();
    }

    private static double HeldOutError(List<float[]> contexts, double[] scores, List<float[]> testContexts, double[] testScores, int dimension, double penalty)
    {
        var model = new ClosedFormRidge([.. contexts.Select(ClosedFormRidge.Widen)], scores, dimension, penalty);
        return testContexts.Select((x, i) => Math.Pow(testScores[i] - model.Predict(ClosedFormRidge.Widen(x)), 2)).Average();
    }

    internal static ArmObservation[] Observations(ReadOnlySpan<double> scores)
    {
        var observations = new ArmObservation[scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            observations[i] = new ArmObservation(scores[i], default, 0);
        }

        return observations;
    }

    internal static (List<float[]> Contexts, double[] Scores) LinearData(int seed, int arms, int dimension, int count, double[] noise)
    {
        var (contexts, scores, _) = LinearDataWithWeights(seed, arms, dimension, count, noise, weightScale: 0.5);
        return (contexts, scores);
    }

    /// <summary>Scores linear in the features plus Gaussian noise of a standard deviation per arm.</summary>
    internal static (List<float[]> Contexts, double[] Scores, double[][] Weights) LinearDataWithWeights(int seed, int arms, int dimension, int count, double[] noise, double weightScale, double[][]? weights = null)
    {
        var random = new Random(seed);
        weights ??= [.. Enumerable.Range(0, arms).Select(_ => Enumerable.Range(0, dimension).Select(_ => weightScale * Gaussian(random)).ToArray())];
        var contexts = new List<float[]>();
        var scores = new double[count * arms];
        for (int n = 0; n < count; n++)
        {
            var x = RandomContext(random, dimension);
            contexts.Add(x);
            for (int arm = 0; arm < arms; arm++)
            {
                scores[(n * arms) + arm] = x.Select((v, j) => v * weights[arm][j]).Sum() + (noise[arm] * Gaussian(random));
            }
        }

        return (contexts, scores, weights);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
