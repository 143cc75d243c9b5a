using Xunit.Abstractions;

namespace MetaLlm.Tests;

public class OffPolicyEvaluatorTests(ITestOutputHelper output)
{
    private const double Lambda = 0.5;
    private static readonly SyntheticLog.TargetPolicy Target = new();
    private static readonly SyntheticLog.Model PoorModel = new(perfect: false);
    private static readonly SyntheticLog.Model PerfectModel = new(perfect: true);

    public static TheoryData<string> Estimators => ["ips", "snips", "dr"];

    private static OffPolicyEstimate Run(string estimator, IReadOnlyList<LoggedDecision> log, IOutcomeModel? model = null) => estimator switch
    {
        "ips" => OffPolicyEvaluator.EvaluateInversePropensity(log, Target),
        "snips" => OffPolicyEvaluator.EvaluateSelfNormalized(log, Target),
        _ => OffPolicyEvaluator.EvaluateDoublyRobust(log, Target, model ?? PoorModel),
    };

    [Theory]
    [MemberData(nameof(Estimators))]
    public void The_95_percent_intervals_cover_the_true_score_cost_and_reward_in_about_95_percent_of_repetitions(string estimator)
    {
        // 800 logs of 500 decisions: the coverage's own standard error is 0.8%, so [93%, 97%] is about ±2.5 of it.
        const int repetitions = 800;
        const int n = 500;
        var (trueScore, trueCost) = SyntheticLog.Truth();
        double trueReward = trueScore - (Lambda * trueCost);
        var random = new Random(20261202);
        int coveredScore = 0, coveredCost = 0, coveredReward = 0, coveredShifted = 0, coveredLogging = 0;
        double width = 0;
        for (int r = 0; r < repetitions; r++)
        {
            var estimate = Run(estimator, SyntheticLog.Generate(random, n));
            coveredScore += estimate.Score.Contains(trueScore) ? 1 : 0;
            coveredCost += estimate.Cost.Contains(trueCost) ? 1 : 0;
            coveredReward += estimate.GetReward(Lambda).Contains(trueReward) ? 1 : 0;

            // A value three standard errors off must be missed most of the time, or the intervals prove nothing.
            coveredShifted += estimate.Score.Contains(trueScore + (3 * estimate.Score.StandardError)) ? 1 : 0;
            coveredLogging += estimate.Score.Contains(SyntheticLog.LoggingScore()) ? 1 : 0;
            width += estimate.Score.Upper - estimate.Score.Lower;
        }

        output.WriteLine(FormattableString.Invariant($"{estimator}: coverage score {(double)coveredScore / repetitions:P1}, cost {(double)coveredCost / repetitions:P1}, reward(λ={Lambda}) {(double)coveredReward / repetitions:P1}; truth+3SE {(double)coveredShifted / repetitions:P1}; logging mean {(double)coveredLogging / repetitions:P1}; mean width {width / repetitions:0.###}"));
        ((double)coveredScore / repetitions).Should().BeInRange(0.93, 0.97, "the score interval is a 95% interval");
        ((double)coveredCost / repetitions).Should().BeInRange(0.93, 0.97, "the cost interval is a 95% interval");
        ((double)coveredReward / repetitions).Should().BeInRange(0.93, 0.97, "the reward interval accounts for the score-cost covariance");
        ((double)coveredShifted / repetitions).Should().BeLessThan(0.3);
        (width / repetitions).Should().BeLessThan(0.4, "intervals as wide as the score's range would cover anything");
        ((double)coveredLogging / repetitions).Should().BeLessThan(0.05, "the logging policy's own mean, what a naive average of the log gives, is not the answer");
    }

    [Theory]
    [MemberData(nameof(Estimators))]
    public void The_interval_width_halves_when_the_log_is_four_times_longer(string estimator)
    {
        var random = new Random(7);
        double Width(int n)
        {
            double total = 0;
            for (int r = 0; r < 100; r++)
            {
                var estimate = Run(estimator, SyntheticLog.Generate(random, n));
                total += estimate.Score.Upper - estimate.Score.Lower;
            }

            return total / 100;
        }

        double ratio = Width(2000) / Width(500);
        output.WriteLine(FormattableString.Invariant($"{estimator}: width(2000) / width(500) = {ratio:0.###}"));

        ratio.Should().BeInRange(0.45, 0.55, "the standard error shrinks as 1/√n");
    }

    [Fact]
    public void Doubly_robust_with_a_good_outcome_model_varies_less_than_inverse_propensity()
    {
        var random = new Random(11);
        var ips = new List<double>();
        var dr = new List<double>();
        double ipsError = 0, drError = 0;
        for (int r = 0; r < 300; r++)
        {
            var log = SyntheticLog.Generate(random, 400);
            var a = OffPolicyEvaluator.EvaluateInversePropensity(log, Target);
            var b = OffPolicyEvaluator.EvaluateDoublyRobust(log, Target, PerfectModel);
            ips.Add(a.Score.Estimate);
            dr.Add(b.Score.Estimate);
            ipsError += a.Score.StandardError;
            drError += b.Score.StandardError;
        }

        static double Sd(List<double> v)
        {
            double mean = v.Average();
            return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
        }

        Sd(dr).Should().BeLessThan(0.7 * Sd(ips), "a model that knows the means leaves only the outcome noise to weight");
        drError.Should().BeLessThan(0.7 * ipsError, "the reported standard errors show it too");
        dr.Average().Should().BeApproximately(SyntheticLog.Truth().Score, 3 * Sd(dr) / Math.Sqrt(dr.Count));
    }

    [Fact]
    public void Doubly_robust_with_a_ridge_model_fitted_on_the_log_recovers_the_truth_with_a_narrower_interval()
    {
        var log = SyntheticLog.Generate(new Random(5), 20_000);
        var model = RidgeOutcomeModel.Fit(log);

        var dr = OffPolicyEvaluator.EvaluateDoublyRobust(log, Target, model);
        var ips = OffPolicyEvaluator.EvaluateInversePropensity(log, Target);

        var (trueScore, trueCost) = SyntheticLog.Truth();
        dr.Score.Estimate.Should().BeApproximately(trueScore, 3 * dr.Score.StandardError);
        dr.Cost.Estimate.Should().BeApproximately(trueCost, 3 * dr.Cost.StandardError);
        dr.Score.StandardError.Should().BeLessThan(ips.Score.StandardError);
        dr.Estimator.Should().Be(OffPolicyEstimator.DoublyRobust);
        dr.Count.Should().Be(20_000);
        dr.Warnings.Should().BeEmpty();
        dr.HasPoorOverlap.Should().BeFalse();
    }

    [Fact]
    public void The_reward_at_any_lambda_is_the_score_minus_lambda_times_the_cost_with_the_covariance_in_its_error()
    {
        var log = SyntheticLog.Generate(new Random(3), 1000);
        var estimate = OffPolicyEvaluator.EvaluateInversePropensity(log, Target);

        // The reward's per-decision terms are w·(score − λ·cost); their standard error, computed directly.
        var terms = log.Select(d => (Target.Probability(d) / d.Propensity) * (d.Score - (2 * d.NormalizedCost))).ToArray();
        double mean = terms.Average();
        double se = Math.Sqrt(terms.Sum(t => (t - mean) * (t - mean)) / (terms.Length - 1) / terms.Length);

        var reward = estimate.GetReward(2);
        reward.Estimate.Should().BeApproximately(mean, 1e-12);
        reward.StandardError.Should().BeApproximately(se, 1e-12);
        estimate.GetReward(0).Should().Be(estimate.Score);
        estimate.Invoking(e => e.GetReward(-1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("costWeight");
        estimate.Invoking(e => e.GetReward(double.NaN)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void The_self_normalised_estimate_is_the_weighted_mean_and_the_effective_sample_size_is_kish_s()
    {
        var log = SyntheticLog.Generate(new Random(9), 500);
        var estimate = OffPolicyEvaluator.EvaluateSelfNormalized(log, Target);

        var weights = log.Select(d => Target.Probability(d) / d.Propensity).ToArray();
        estimate.Score.Estimate.Should().BeApproximately(log.Select((d, i) => weights[i] * d.Score).Sum() / weights.Sum(), 1e-12);
        estimate.EffectiveSampleSize.Should().BeApproximately(weights.Sum() * weights.Sum() / weights.Sum(w => w * w), 1e-9);
        estimate.EffectiveSampleSize.Should().BeLessThan(500);
    }

    [Theory]
    [MemberData(nameof(Estimators))]
    public void A_log_without_exploration_says_that_it_has_no_overlap(string estimator)
    {
        var log = SyntheticLog.Generate(new Random(1), 400, deterministic: true);

        var estimate = Run(estimator, log);

        estimate.HasPoorOverlap.Should().BeTrue();
        estimate.UnsupportedCount.Should().Be(400, "the candidate never takes the logged arm");
        estimate.Warnings.Should().Contain(w => w.Contains("propensity 1", StringComparison.Ordinal) && w.Contains("greedy LinUCB", StringComparison.Ordinal));
        estimate.Warnings.Should().Contain(w => w.Contains("no overlap", StringComparison.Ordinal));
    }

    [Fact]
    public void A_log_without_exploration_where_the_candidate_agrees_gives_the_on_policy_mean_and_says_so()
    {
        var log = SyntheticLog.Generate(new Random(1), 400, deterministic: true);
        var logging = new DelegateCandidate((d, p) => p[SyntheticLog.LoggingGreedy(d.Features.ToArray())] = 1);

        var estimate = OffPolicyEvaluator.EvaluateInversePropensity(log, logging);

        estimate.Score.Estimate.Should().BeApproximately(log.Average(d => d.Score), 1e-12);
        estimate.UnsupportedCount.Should().Be(0);
        estimate.Warnings.Should().ContainSingle().Which.Should().Contain("no exploration");
    }

    [Fact]
    public void Decisions_that_failed_over_are_left_out_with_a_warning()
    {
        var log = SyntheticLog.Generate(new Random(2), 300).ToList();
        var failed = log[0];
        log[0] = new LoggedDecision
        {
            DecisionId = failed.DecisionId,
            PolicyName = failed.PolicyName,
            ArmNames = failed.ArmNames,
            Features = failed.Features,
            ArmIndex = 0,
            AnsweredArmIndex = 2,
            Propensity = failed.Propensity,
            Score = 1,
            NormalizedCost = 0.1,
        };

        var estimate = OffPolicyEvaluator.EvaluateInversePropensity(log, Target);

        estimate.Count.Should().Be(299);
        estimate.ExcludedCount.Should().Be(1);
        estimate.Warnings.Should().Contain(w => w.Contains("failed over", StringComparison.Ordinal));
        estimate.Should().BeEquivalentTo(OffPolicyEvaluator.EvaluateInversePropensity(log.Skip(1), Target), o => o.Excluding(e => e.ExcludedCount).Excluding(e => e.Warnings));
    }

    [Fact]
    public void A_self_normalised_estimate_of_a_candidate_that_never_agrees_is_not_a_number()
    {
        var log = SyntheticLog.Generate(new Random(1), 50, deterministic: true);
        var never = new DelegateCandidate((_, p) => p[3] = 1);

        var estimate = OffPolicyEvaluator.EvaluateSelfNormalized(log, never);

        estimate.Score.Estimate.Should().Be(double.NaN);
        estimate.Warnings.Should().Contain(w => w.Contains("undefined", StringComparison.Ordinal));
        estimate.EffectiveSampleSize.Should().Be(0);
    }

    [Fact]
    public void Bad_logs_are_rejected_with_the_decision_and_the_reason()
    {
        var good = SyntheticLog.Generate(new Random(4), 3);
        LoggedDecision With(Func<LoggedDecision, LoggedDecision> change) => change(good[1]);
        LoggedDecision Copy(LoggedDecision d, double? propensity = null, int? arm = null, float[]? features = null, bool[]? eligible = null, double? score = null, double? cost = null, IReadOnlyList<string>? names = null) => new()
        {
            DecisionId = d.DecisionId,
            PolicyName = d.PolicyName,
            ArmNames = names ?? d.ArmNames,
            Features = features ?? d.Features,
            Eligible = eligible ?? d.Eligible,
            ArmIndex = arm ?? d.ArmIndex,
            Propensity = propensity ?? d.Propensity,
            Score = score ?? d.Score,
            NormalizedCost = cost ?? d.NormalizedCost,
        };

        void Rejects(LoggedDecision bad, string reason)
        {
            var log = new[] { good[0], bad, good[2] };
            var act = () => OffPolicyEvaluator.EvaluateInversePropensity(log, Target);
            act.Should().Throw<ArgumentException>().WithParameterName("log").Which.Message.Should().Contain("Decision 1 ('d1')").And.Contain(reason);
        }

        Rejects(With(d => Copy(d, propensity: 0)), "propensity 0");
        Rejects(With(d => Copy(d, propensity: -0.1)), "propensity -0.1");
        Rejects(With(d => Copy(d, propensity: 1.5)), "propensity 1.5");
        Rejects(With(d => Copy(d, propensity: double.NaN)), "propensity NaN");
        Rejects(With(d => Copy(d, arm: 4)), "arm index 4, out of range");
        Rejects(With(d => Copy(d, arm: -1)), "arm index -1, out of range");
        Rejects(With(d => Copy(d, features: [1f, 0.5f])), "2 features, but decision 0 has 3");
        Rejects(With(d => Copy(d, eligible: [true, true])), "2 eligibility flags for 4 arms");
        Rejects(With(d => Copy(d, eligible: Enumerable.Range(0, 4).Select(a => a != d.ArmIndex).ToArray())), "not eligible");
        Rejects(With(d => Copy(d, score: double.PositiveInfinity)), "score");
        Rejects(With(d => Copy(d, cost: -1)), "normalised cost -1");
        Rejects(With(d => Copy(d, names: ["a0", "a1", "a2"])), "names 3 arms, but decision 0 names 4");
        Rejects(With(d => Copy(d, names: ["a0", "a1", "a2", "other"])), "arm 3 'other'");

        var empty = () => OffPolicyEvaluator.EvaluateSelfNormalized([], Target);
        empty.Should().Throw<ArgumentException>().WithParameterName("log").WithMessage("*empty*");
        var nullLog = () => OffPolicyEvaluator.EvaluateInversePropensity(null!, Target);
        nullLog.Should().Throw<ArgumentNullException>();
        var nullModel = () => OffPolicyEvaluator.EvaluateDoublyRobust(good, Target, null!);
        nullModel.Should().Throw<ArgumentNullException>().WithParameterName("outcomeModel");
    }

    [Fact]
    public void Bad_candidates_and_models_are_rejected_naming_what_they_returned()
    {
        var log = SyntheticLog.Generate(new Random(4), 3);
        void Rejects(ICandidatePolicy candidate, string reason) =>
            FluentActions.Invoking(() => OffPolicyEvaluator.EvaluateInversePropensity(log, candidate))
                .Should().Throw<ArgumentException>().WithParameterName(nameof(candidate)).Which.Message.Should().Contain(reason);

        Rejects(new DelegateCandidate((_, p) => p[0] = 0.5), "sum to 0.5, not 1");
        Rejects(new DelegateCandidate((_, p) => { p[0] = 1.5; p[1] = -0.5; }), "probability -0.5");
        Rejects(new DelegateCandidate((_, p) => p[0] = double.NaN), "probability NaN");

        var restricted = log.Select(d => new LoggedDecision
        {
            DecisionId = d.DecisionId,
            PolicyName = d.PolicyName,
            ArmNames = d.ArmNames,
            Features = d.Features,
            Eligible = Enumerable.Range(0, 4).Select(a => a == d.ArmIndex).ToArray(),
            ArmIndex = d.ArmIndex,
            Propensity = 1,
            Score = d.Score,
            NormalizedCost = d.NormalizedCost,
        }).ToArray();
        var other = new DelegateCandidate((d, p) => p[(d.ArmIndex + 1) % 4] = 1);
        FluentActions.Invoking(() => OffPolicyEvaluator.EvaluateInversePropensity(restricted, other))
            .Should().Throw<ArgumentException>().WithParameterName("candidate").WithMessage("*was not eligible*");

        var badModel = new DelegateModel((_, s, _) => s[2] = double.NaN);
        FluentActions.Invoking(() => OffPolicyEvaluator.EvaluateDoublyRobust(log, Target, badModel))
            .Should().Throw<ArgumentException>().WithParameterName("outcomeModel").WithMessage("*non-finite*'a2'*");
    }

    [Fact]
    public void One_decision_gives_an_estimate_without_a_standard_error()
    {
        var log = SyntheticLog.Generate(new Random(4), 1);
        var estimate = OffPolicyEvaluator.EvaluateInversePropensity(log, Target);

        estimate.Count.Should().Be(1);
        estimate.Score.StandardError.Should().Be(double.NaN);
        estimate.Warnings.Should().Contain(w => w.Contains("no standard error", StringComparison.Ordinal));
    }

    private sealed class DelegateCandidate(Action<LoggedDecision, double[]> fill) : ICandidatePolicy
    {
        public void GetProbabilities(LoggedDecision decision, Span<double> probabilities)
        {
            var p = new double[probabilities.Length];
            fill(decision, p);
            p.CopyTo(probabilities);
        }
    }

    private sealed class DelegateModel(Action<LoggedDecision, double[], double[]> fill) : IOutcomeModel
    {
        public void Predict(LoggedDecision decision, Span<double> scores, Span<double> normalizedCosts)
        {
            var s = new double[scores.Length];
            var c = new double[normalizedCosts.Length];
            fill(decision, s, c);
            s.CopyTo(scores);
            c.CopyTo(normalizedCosts);
        }
    }
}

internal static class CandidateExtensions
{
    public static double Probability(this ICandidatePolicy candidate, LoggedDecision decision)
    {
        var p = new double[decision.ArmNames.Count];
        candidate.GetProbabilities(decision, p);
        return p[decision.ArmIndex];
    }
}
