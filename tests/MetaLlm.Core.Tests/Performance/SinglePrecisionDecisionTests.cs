namespace MetaLlm.Tests;

/// <summary>Single-precision decisions against the double-precision reference, trained on identical observations.</summary>
public class SinglePrecisionDecisionTests
{
    private const int Arms = 6;
    private const int Dimension = 96;

    [Fact]
    public void Estimates_and_choices_in_single_precision_match_double_precision()
    {
        using var single = new LinUcbPolicy(Arms, Dimension, new() { Alpha = 1.0, Seed = 3, DecisionPrecision = DecisionPrecision.SinglePrecision });
        using var reference = new LinUcbPolicy(Arms, Dimension, new() { Alpha = 1.0, Seed = 3, DecisionPrecision = DecisionPrecision.DoublePrecision });
        single.EffectiveDecisionPrecision.Should().Be(DecisionPrecision.SinglePrecision);
        reference.EffectiveDecisionPrecision.Should().Be(DecisionPrecision.DoublePrecision);

        // 500 updates cross many batch boundaries, so both the queued and the folded paths are compared.
        var random = new Random(41);
        for (int t = 0; t < 500; t++)
        {
            int arm = random.Next(Arms);
            var x = Context(random, arm);
            double reward = (0.1 * arm) + (0.3 * x[arm]) + (0.05 * random.NextDouble());
            single.Update(arm, x, reward);
            reference.Update(arm, x, reward);
        }

        var singleEstimates = new ArmEstimate[Arms];
        var referenceEstimates = new ArmEstimate[Arms];
        int compared = 0;
        for (int probe = 0; probe < 200; probe++)
        {
            var x = Context(random, random.Next(Arms));
            var chosen = single.Decide(x, singleEstimates);
            var expected = reference.Decide(x, referenceEstimates);
            for (int arm = 0; arm < Arms; arm++)
            {
                singleEstimates[arm].PredictedReward.Should().BeApproximately(referenceEstimates[arm].PredictedReward, 2e-5, $"prediction of arm {arm}, probe {probe}");
                singleEstimates[arm].Uncertainty.Should().BeApproximately(referenceEstimates[arm].Uncertainty, 2e-5 * referenceEstimates[arm].Uncertainty, $"width of arm {arm}, probe {probe}");
            }

            // The same arm wins unless the reference scores are too close for single precision to separate.
            var scores = referenceEstimates.Select(e => e.PredictedReward + e.Uncertainty).OrderDescending().ToArray();
            if (scores[0] - scores[1] > 1e-4)
            {
                chosen.Arm.Should().Be(expected.Arm, $"probe {probe}");
                compared++;
            }
        }

        compared.Should().BeGreaterThan(150, "most probes must have a clear winner for the comparison to mean anything");
    }

    [Fact]
    public void Learning_stays_in_double_precision_whatever_the_decision_precision()
    {
        using var single = new ThompsonSamplingPolicy(Arms, Dimension, new() { Seed = 5, DecisionPrecision = DecisionPrecision.SinglePrecision });
        using var reference = new ThompsonSamplingPolicy(Arms, Dimension, new() { Seed = 5, DecisionPrecision = DecisionPrecision.DoublePrecision });
        var random = new Random(8);
        for (int t = 0; t < 150; t++)
        {
            int arm = random.Next(Arms);
            var x = Context(random, arm);
            double reward = random.NextDouble();
            single.Update(arm, x, reward);
            reference.Update(arm, x, reward);
        }

        for (int arm = 0; arm < Arms; arm++)
        {
            single.GetWeights(arm).Should().Equal(reference.GetWeights(arm), $"arm {arm} learned from the same observations in double precision");
            single.GetObservationCount(arm).Should().Be(reference.GetObservationCount(arm));
        }
    }

    [Fact]
    public void Automatic_precision_is_double_for_small_and_single_for_large_dimensions()
    {
        using var small = new EpsilonGreedyPolicy(2, 8);
        using var large = new EpsilonGreedyPolicy(2, 384);

        small.EffectiveDecisionPrecision.Should().Be(DecisionPrecision.DoublePrecision);
        large.EffectiveDecisionPrecision.Should().Be(DecisionPrecision.SinglePrecision);
    }

    [Fact]
    public void An_unknown_precision_is_rejected()
    {
        FluentActions.Invoking(() => new LinUcbPolicy(2, 3, new() { DecisionPrecision = (DecisionPrecision)7 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("DecisionPrecision");
    }

    // Sparse-ish unit contexts with a bias, loosely clustered by arm so the arms' models differ.
    private static float[] Context(Random random, int cluster)
    {
        var x = new float[Dimension];
        double norm = 0;
        for (int i = 0; i < Dimension - 1; i++)
        {
            if (random.NextDouble() < 0.4 || i % Arms == cluster)
            {
                x[i] = (float)((random.NextDouble() * 2) - 1 + (i % Arms == cluster ? 1 : 0));
                norm += x[i] * x[i];
            }
        }

        for (int i = 0; i < Dimension - 1; i++)
        {
            x[i] /= (float)Math.Sqrt(norm);
        }

        x[^1] = 1;
        return x;
    }
}
