using MathNet.Numerics.Distributions;

namespace MetaLlm.Tests;

public class ThompsonSamplingPolicyTests
{
    [Fact]
    public void A_seeded_policy_yields_the_recorded_arm_sequence_and_every_choice_matches_a_reference_sampler()
    {
        const double Scale = 0.5;
        using var policy = new ThompsonSamplingPolicy(SequenceScenario.Arms, SequenceScenario.Dimension, new() { PosteriorScale = Scale, PropensitySamples = 0, Seed = 7 });

        var log = SequenceScenario.Run(policy);

        // The reference draws one standard normal per arm from the same seeded source and scales it by the MathNet
        // posterior: score_j = xᵀθ_j + v·sqrt(xᵀA_j⁻¹x)·z_j. With no propensity draws, nothing else consumes randomness.
        var shadow = new Random(7);
        for (int t = 0; t < log.Length; t++)
        {
            var references = SequenceScenario.ReferenceBefore(log, t);
            var x = ClosedFormRidge.Widen(log[t].Context);
            var draws = references.Select(r => r.Predict(x) + (Scale * r.Width(x) * Normal.Sample(shadow, 0, 1))).ToArray();
            log[t].Arm.Should().Be(Array.IndexOf(draws, draws.Max()), $"round {t} must choose the largest posterior draw");
            log[t].Propensity.Should().Be(1.0 / SequenceScenario.Arms, "no propensity samples means 1/arms is reported");
        }

        // Recorded from this implementation after the reference check above passed.
        log.Arms().Should().Equal(1, 0, 2, 2, 0, 2, 2, 2, 2, 1, 2, 0, 2, 2, 2, 2, 0, 0, 2, 0, 0, 0, 2, 0, 2, 0, 2, 0, 1, 0);
    }

    [Fact]
    public void The_same_seed_gives_the_same_sequence_and_a_different_seed_a_different_one()
    {
        int[] Run(int seed)
        {
            using var policy = new ThompsonSamplingPolicy(SequenceScenario.Arms, SequenceScenario.Dimension, new() { Seed = seed });
            return SequenceScenario.Run(policy).Arms();
        }

        Run(3).Should().Equal(Run(3));
        Run(3).Should().NotEqual(Run(4));
    }

    [Fact]
    public void Two_arms_win_with_the_probability_their_Gaussian_posteriors_give()
    {
        // P(arm 0 wins) = Φ((m0 − m1) / (v·sqrt(w0² + w1²))) for independent draws N(m_j, v²w_j²).
        const double Scale = 0.8;
        using var policy = new ThompsonSamplingPolicy(2, 3, new() { PosteriorScale = Scale, PropensitySamples = 0, Seed = 12 });
        float[] x = [1f, 0.3f, 1f];
        for (int i = 0; i < 6; i++)
        {
            policy.Update(0, x, 0.6);
        }

        for (int i = 0; i < 3; i++)
        {
            policy.Update(1, x, 0.5);
        }

        var estimates = new ArmEstimate[2];
        const int Draws = 20_000;
        int wins = Enumerable.Range(0, Draws).Count(_ => policy.Decide(x, estimates).Arm == 0);

        double spread = Scale * Math.Sqrt((estimates[0].Uncertainty * estimates[0].Uncertainty) + (estimates[1].Uncertainty * estimates[1].Uncertainty));
        double expected = Normal.CDF(0, 1, (estimates[0].PredictedReward - estimates[1].PredictedReward) / spread);
        expected.Should().BeInRange(0.55, 0.9, "the scenario must not be a foregone conclusion");
        ((double)wins / Draws).Should().BeApproximately(expected, 0.015);
    }

    [Fact]
    public void The_estimated_propensity_matches_how_often_each_arm_is_chosen()
    {
        using var policy = new ThompsonSamplingPolicy(3, 3, new() { PosteriorScale = 1.0, PropensitySamples = 1_000, Seed = 4 });
        float[] x = [0.5f, 1f, 1f];
        Train(policy, 0, x, 0.55, 4);
        Train(policy, 1, x, 0.45, 4);
        Train(policy, 2, x, 0.3, 2);
        var estimates = new ArmEstimate[3];

        const int Decisions = 2_000;
        var decisions = Enumerable.Range(0, Decisions).Select(_ => policy.Decide(x, estimates)).ToArray();

        for (int arm = 0; arm < 3; arm++)
        {
            var chosen = decisions.Where(d => d.Arm == arm).ToArray();
            double frequency = (double)chosen.Length / Decisions;
            frequency.Should().BeGreaterThan(0.1, $"arm {arm} must be a real contender for the comparison to mean anything");
            chosen.Average(d => d.Propensity).Should().BeApproximately(frequency, 0.03, $"arm {arm}'s logged propensity estimates its choice probability");
        }
    }

    [Fact]
    public void Without_propensity_samples_the_propensity_is_one_over_the_arms()
    {
        using var policy = new ThompsonSamplingPolicy(4, 2, new() { PropensitySamples = 0, Seed = 1 });
        policy.Update(2, [1f, 1f], 1);

        policy.Decide([1f, 1f], new ArmEstimate[4]).Propensity.Should().Be(0.25);
    }

    [Fact]
    public void With_zero_posterior_scale_it_is_greedy_and_sure()
    {
        using var policy = new ThompsonSamplingPolicy(3, 2, new() { PosteriorScale = 0, Seed = 1 });
        float[] x = [1f, 1f];
        policy.Update(0, x, 0.2);
        policy.Update(1, x, 0.9);
        policy.Update(2, x, 0.5);
        var estimates = new ArmEstimate[3];

        Enumerable.Range(0, 20).Select(_ => policy.Decide(x, estimates)).Should().OnlyContain(d => d.Arm == 1 && d.Propensity == 1.0);
    }

    [Fact]
    public void Its_name_and_scale_are_reported()
    {
        using var policy = new ThompsonSamplingPolicy(2, 3, new() { PosteriorScale = 0.25 });

        policy.Name.Should().Be("thompson");
        policy.PosteriorScale.Should().Be(0.25);
    }

    private static void Train(IRoutingPolicy policy, int arm, float[] x, double reward, int times)
    {
        for (int i = 0; i < times; i++)
        {
            policy.Update(arm, x, reward);
        }
    }
}
