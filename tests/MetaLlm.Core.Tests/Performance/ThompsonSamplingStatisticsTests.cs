using MathNet.Numerics.Distributions;

namespace MetaLlm.Tests;

/// <summary>Fixed-seed statistical checks that the fast Thompson sampling path samples and reports the right thing.</summary>
public class ThompsonSamplingStatisticsTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(128)]
    public void Sampled_scores_have_the_posterior_mean_and_variance(int dimension)
    {
        const double Scale = 0.7;
        const int Draws = 200_000;
        using var policy = new ThompsonSamplingPolicy(3, dimension, new() { PosteriorScale = Scale, Seed = 19 });
        var x = Train(policy, dimension, seed: 2);
        var estimates = new ArmEstimate[3];
        policy.Decide(x, estimates);

        var random = new Random(23);
        var draws = new double[3];
        var sums = new double[3];
        var squares = new double[3];
        for (int n = 0; n < Draws; n++)
        {
            policy.Sample(estimates, random, draws);
            for (int arm = 0; arm < 3; arm++)
            {
                sums[arm] += draws[arm];
                squares[arm] += draws[arm] * draws[arm];
            }
        }

        for (int arm = 0; arm < 3; arm++)
        {
            double sd = Scale * estimates[arm].Uncertainty;
            sd.Should().BeGreaterThan(0);
            double mean = sums[arm] / Draws;
            double variance = (squares[arm] / Draws) - (mean * mean);

            // Five standard errors: the mean's is sd/√N, the variance's is sd²·√(2/N) for a normal sample.
            mean.Should().BeApproximately(estimates[arm].PredictedReward, 5 * sd / Math.Sqrt(Draws), $"the mean of arm {arm}'s draws");
            variance.Should().BeApproximately(sd * sd, 5 * sd * sd * Math.Sqrt(2.0 / Draws), $"the variance of arm {arm}'s draws");
        }
    }

    [Fact]
    public void The_integrated_propensity_matches_the_frequency_of_each_choice()
    {
        using var policy = new ThompsonSamplingPolicy(4, 6, new() { PosteriorScale = 1.0, Seed = 31 });
        float[] x = [0.5f, -0.2f, 0.3f, 0.1f, 0.7f, 1f];
        for (int i = 0; i < 3; i++)
        {
            policy.Update(0, x, 0.6);
        }

        for (int i = 0; i < 12; i++)
        {
            policy.Update(1, x, 0.5);
        }

        policy.Update(2, x, 0.4);
        for (int i = 0; i < 40; i++)
        {
            policy.Update(3, x, 0.55);
        }

        var estimates = new ArmEstimate[4];
        const int Decisions = 40_000;
        var counts = new int[4];
        var propensities = new double[4];
        for (int n = 0; n < Decisions; n++)
        {
            var decision = policy.Decide(x, estimates);
            counts[decision.Arm]++;
            propensities[decision.Arm] = decision.Propensity;
        }

        // The context never changes, so each arm always gets the same propensity: its probability of winning.
        for (int arm = 0; arm < 4; arm++)
        {
            double frequency = (double)counts[arm] / Decisions;
            frequency.Should().BeGreaterThan(0.05, $"arm {arm} must be a contender for the comparison to mean anything");
            propensities[arm].Should().BeApproximately(frequency, 0.012, $"arm {arm}'s propensity is its probability of being chosen");
        }

        propensities.Sum().Should().BeApproximately(1, 0.02);
    }

    [Fact]
    public void The_integrated_propensity_of_two_arms_is_the_closed_form()
    {
        // P(s0 > s1) = Φ((μ0 − μ1) / √(σ0² + σ1²)), with widths ten times apart so the integrand is steep.
        ArmEstimate[] estimates = [new(0.52, 0.04), new(0.5, 0.4)];
        double expected = Normal.CDF(0, 1, 0.02 / Math.Sqrt((0.04 * 0.04) + (0.4 * 0.4)));

        ThompsonPropensity.Estimate(estimates, 1.0, 0).Should().BeApproximately(expected, 0.01);
        ThompsonPropensity.Estimate(estimates, 1.0, 1).Should().BeApproximately(1 - expected, 0.01);
    }

    [Fact]
    public void Certain_scores_give_certain_or_tied_propensities()
    {
        ArmEstimate[] estimates = [new(0.2, 0), new(0.9, 0), new(0.9, 0), new(0.1, 0)];

        ThompsonPropensity.Estimate(estimates, 1.0, 1).Should().Be(0.5);
        ThompsonPropensity.Estimate(estimates, 1.0, 2).Should().Be(0.5);
    }

    [Fact]
    public void The_tabulated_normal_cdf_is_accurate()
    {
        for (double z = -9; z <= 9; z += 0.0137)
        {
            ThompsonPropensity.StandardNormalCdf(z).Should().BeApproximately(Normal.CDF(0, 1, z), 1e-6, $"Φ({z})");
        }
    }

    private static float[] Train(IRoutingPolicy policy, int dimension, int seed)
    {
        var random = new Random(seed);
        float[] Random01() => Enumerable.Range(0, dimension).Select(i => i == dimension - 1 ? 1f : (float)(random.NextDouble() - 0.5)).ToArray();
        for (int t = 0; t < 3 * dimension; t++)
        {
            policy.Update(t % 3, Random01(), random.NextDouble());
        }

        return Random01();
    }
}
