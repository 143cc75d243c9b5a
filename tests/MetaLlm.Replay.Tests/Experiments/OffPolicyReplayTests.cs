using System.Text.Json;
using MetaLlm.Replay.Experiments;
using MetaLlm.Replay.Reporting;
using Spectre.Console;

namespace MetaLlm.Replay.Tests.Experiments;

public sealed class OffPolicyReplayTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task The_off_policy_mode_evaluates_every_candidate_at_every_lambda_and_seed_against_its_offline_replay()
    {
        var request = SmallRequest() with { Lambdas = [0, 0.5], Seeds = 2, OffPolicy = new OffPolicyLogging(0.3) };
        using var experiment = ReplayExperiment.Load(request);
        experiment.Settings.Should().Equal(ReplaySetting.Offline);
        experiment.RunCount.Should().Be((4 + 1) * 2 * 2, "4 candidates' offline replays and 1 log, per λ and seed");

        var report = await experiment.RunAsync();

        report.Points.Should().HaveCount(4 * 2).And.OnlyContain(p => p.Setting == "offline");
        var offPolicy = report.OffPolicy!;
        offPolicy.LoggingPolicy.Should().Be("epsilon-greedy");
        offPolicy.Epsilon.Should().Be(0.3);
        offPolicy.Logs.Should().HaveCount(2 * 2).And.OnlyContain(l => l.Decisions == 40);
        offPolicy.Logs.Should().OnlyContain(l => Math.Abs(l.MinPropensity - (0.3 / 3)) < 1e-12, "ε/k is the smallest propensity, and 40 decisions explore at least once");
        offPolicy.Cells.Should().HaveCount(4 * 2 * 2 * 3);
        foreach (var cell in offPolicy.Cells)
        {
            var point = report.Points.Single(p => p.Policy == cell.Candidate && p.Lambda == cell.Lambda);
            foreach (var quantity in new[] { cell.Score, cell.NormalizedCost, cell.Reward })
            {
                quantity.Estimate.Should().NotBeNull();
                quantity.Width.Should().BeApproximately(quantity.Upper!.Value - quantity.Lower!.Value, 1e-12).And.BeGreaterThanOrEqualTo(0, "an interval is empty when every term is equal, as when every candidate choice scores 1");
                quantity.Covered.Should().Be(quantity.Lower <= quantity.Truth && quantity.Truth <= quantity.Upper);
            }

            cell.Reward.Truth.Should().BeApproximately(cell.Score.Truth - (cell.Lambda * cell.NormalizedCost.Truth), 1e-9);
            cell.Agreement.Should().BeInRange(0, 1);
            cell.EffectiveSampleSize.Should().BeInRange(1, 40 + 1e-9);

            // Offline LinUCB and the paper's configuration are deterministic: their truth is the replayed point, whatever the seed.
            if (cell.Candidate is "linucb" or "metallm-paper")
            {
                cell.Score.Truth.Should().BeApproximately(point.Accuracy, 1e-12);
            }
        }

        offPolicy.Cells.GroupBy(c => (c.Candidate, c.Lambda)).Should().OnlyContain(g =>
            Math.Abs(g.Where(c => c.Estimator == "ips").Average(c => c.Score.Truth) - report.Points.Single(p => p.Policy == g.Key.Candidate && p.Lambda == g.Key.Lambda).Accuracy) < 1e-9,
            "the truth of each seed is that seed's offline replay, and the point is their mean");

        offPolicy.Summary.Select(s => s.Estimator).Should().Equal("ips", "snips", "dr");
        offPolicy.Summary.Should().OnlyContain(s => s.Cells == 4 * 2 * 2 && s.MeanScoreWidth >= 0 && s.MeanNormalizedCostWidth >= 0 && s.MeanRewardWidth > 0);
        offPolicy.Summary.Should().OnlyContain(s => s.ScoreCoverage >= 0 && s.ScoreCoverage <= 1 && s.RewardCoverage >= 0 && s.RewardCoverage <= 1);
        var dr = offPolicy.Summary.Single(s => s.Estimator == "dr");
        dr.ScoreCoverage.Should().Be(offPolicy.Cells.Count(c => c.Estimator == "dr" && c.Score.Covered) / 16.0);
        offPolicy.SummaryByCandidate.Should().HaveCount(3 * 4).And.OnlyContain(s => s.Cells == 2 * 2);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, ReportJson.Options));
        var element = json.RootElement.GetProperty("offPolicy");
        element.GetProperty("summary").GetArrayLength().Should().Be(3);
        element.GetProperty("cells")[0].GetProperty("score").GetProperty("covered").ValueKind.Should().BeOneOf(JsonValueKind.True, JsonValueKind.False);
        element.GetProperty("outcomeModel").GetString().Should().Contain("RoutingPolicyOutcomeModel");

        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        console.Profile.Width = 160;
        OffPolicyTable.Write(console, offPolicy);
        output.ToString().Should().Contain("Mean score").And.Contain("Mean normalised cost").And.Contain("metallm-paper").And.Contain("snips");
    }

    [Fact]
    public async Task On_small_data_the_coverage_is_reported_and_the_logging_policy_as_candidate_gets_its_log_mean()
    {
        var request = SmallRequest() with { Lambdas = [0.3], Seeds = 3, Policies = [ReplayPolicy.EpsilonGreedy, ReplayPolicy.MetaLlmPaper], OffPolicy = new OffPolicyLogging(0.5) };
        request = request with { Tuning = request.Tuning with { Epsilon = 0.5 } };

        var report = await ReplayExperiment.Load(request).RunAsync();

        // The candidate epsilon-greedy with ε 0.5 is the logging policy: every weight is 1, IPS is the log's own mean.
        var offPolicy = report.OffPolicy!;
        foreach (var cell in offPolicy.Cells.Where(c => c.Candidate == "epsilon-greedy" && c.Estimator == "ips"))
        {
            var log = offPolicy.Logs.Single(l => l.Seed == cell.Seed);
            cell.EffectiveSampleSize.Should().BeApproximately(40, 1e-9);
            cell.Score.Estimate!.Value.Should().BeApproximately(log.Accuracy, 1e-9);
            cell.NormalizedCost.Estimate!.Value.Should().BeApproximately(log.MeanNormalizedCost, 1e-9);
        }

        // 40 questions with nearly deterministic outcomes make poor normal intervals (some have zero width), so only
        // check that coverage is reported and agrees with the cells; the README measures it on dcrouter.
        offPolicy.Summary.Should().HaveCount(3).And.OnlyContain(s => s.Cells == 2 * 3);
        foreach (var summary in offPolicy.Summary)
        {
            var cells = offPolicy.Cells.Where(c => c.Estimator == summary.Estimator).ToList();
            summary.ScoreCoverage.Should().Be(cells.Count(c => c.Score.Covered) / 6.0);
            summary.NormalizedCostCoverage.Should().Be(cells.Count(c => c.NormalizedCost.Covered) / 6.0);
            summary.RewardCoverage.Should().Be(cells.Count(c => c.Reward.Covered) / 6.0);
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.3)]
    public async Task The_logged_propensities_are_those_of_the_frozen_warm_started_epsilon_greedy_policy(double epsilon)
    {
        var request = SmallRequest();
        using var experiment = ReplayExperiment.Load(request);
        var features = await experiment.PrepareFeaturesAsync();
        var runner = new ReplayRunner(experiment.Test.Arms, experiment.Costs, experiment.Queries, experiment.Train!.Queries, features.Featurizer, request.Tuning);
        var log = new InMemoryDecisionLog();

        var logged = await runner.LogAsync(new OffPolicyLogging(epsilon), lambda: 0.5, seed: 4, log);

        var decisions = log.GetDecisions();
        decisions.Should().HaveCount(40);
        logged.Accuracy.Should().BeApproximately(decisions.Average(d => d.Score), 1e-12);
        decisions.Should().OnlyContain(d => d.PolicyName == "epsilon-greedy" && d.CostWeight == 0.5 && !d.FailedOver);
        if (epsilon == 1)
        {
            decisions.Should().OnlyContain(d => Math.Abs(d.Propensity - (1.0 / 3)) < 1e-12, "with ε = 1 every eligible arm has probability 1/3");
        }

        // The propensities are exactly the warm-started policy's, unchanged by the feedback recorded while logging:
        // the logging router never learned.
        var frozen = await runner.CreateWarmPolicyAsync(ReplayPolicy.EpsilonGreedy, request.Tuning with { Epsilon = epsilon }, 0.5, seed: 4);
        var candidate = new RoutingPolicyCandidate(frozen, runner.Arms, 0.5, experiment.Costs.CostReferenceUsd);
        var probabilities = new double[3];
        foreach (var decision in decisions)
        {
            Array.Clear(probabilities);
            candidate.GetProbabilities(decision, probabilities);
            probabilities[decision.ArmIndex].Should().BeApproximately(decision.Propensity, 1e-12);
        }

        (frozen as IDisposable)?.Dispose();
    }

    [Theory]
    [InlineData("metallm-paper", 0.3)]
    [InlineData("linucb", 0.05)]
    public async Task A_deterministic_candidate_chooses_on_the_logged_decisions_what_its_own_offline_replay_chose(string name, double lambda)
    {
        // The truth and the estimate must be about the same policy: the candidate, read from the log's features, eligible
        // arms and token estimates, sends each question to the arm its router sent it to, so the arm shares agree exactly.
        var request = SmallRequest();
        using var experiment = ReplayExperiment.Load(request);
        var features = await experiment.PrepareFeaturesAsync();
        var runner = new ReplayRunner(experiment.Test.Arms, experiment.Costs, experiment.Queries, experiment.Train!.Queries, features.Featurizer, request.Tuning);
        var policy = ReplayPolicy.Parse(name);
        var replay = (await runner.RunAsync(policy, ReplaySetting.Offline, lambda, [0])).Single();
        var log = new InMemoryDecisionLog();
        await runner.LogAsync(new OffPolicyLogging(0.5), lambda, seed: 1, log);

        var frozen = await runner.CreateWarmPolicyAsync(policy, request.Tuning, lambda, seed: 0);
        var candidate = new RoutingPolicyCandidate(frozen, runner.Arms, lambda, experiment.Costs.CostReferenceUsd);
        var shares = new double[3];
        var probabilities = new double[3];
        foreach (var decision in log.GetDecisions())
        {
            Array.Clear(probabilities);
            candidate.GetProbabilities(decision, probabilities);
            probabilities.Should().ContainSingle(p => p == 1, "the candidate is deterministic");
            for (int arm = 0; arm < 3; arm++)
            {
                shares[arm] += probabilities[arm] / 40;
            }
        }

        shares.Should().Equal(replay.ArmShares, (a, b) => Math.Abs(a - b) < 1e-12);
        (frozen as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task Several_draws_of_a_Thompson_candidate_give_its_probabilities_as_shares_and_narrow_the_ips_interval()
    {
        var request = SmallRequest() with { Lambdas = [0.3], Seeds = 2, Policies = [ReplayPolicy.Thompson] };
        var one = await ReplayExperiment.Load(request with { OffPolicy = new OffPolicyLogging(0.5) }).RunAsync();
        var many = await ReplayExperiment.Load(request with { OffPolicy = new OffPolicyLogging(0.5, ThompsonDraws: 64) }).RunAsync();

        one.OffPolicy!.ThompsonDraws.Should().Be(1);
        many.OffPolicy!.ThompsonDraws.Should().Be(64);
        many.OffPolicy.Logs.Should().BeEquivalentTo(one.OffPolicy.Logs, "the logs do not depend on the candidates");
        double Width(ReplayReport report) => report.OffPolicy!.Cells.Where(c => c.Estimator == "ips").Average(c => c.Score.Width!.Value);
        Width(many).Should().BeLessThanOrEqualTo(Width(one), "averaging draws removes the variance of the candidate's own sampling");

        // The shares of 64 draws are multiples of 1/64 that sum to 1.
        var experiment = ReplayExperiment.Load(request);
        var features = await experiment.PrepareFeaturesAsync();
        var runner = new ReplayRunner(experiment.Test.Arms, experiment.Costs, experiment.Queries, experiment.Train!.Queries, features.Featurizer, request.Tuning);
        var log = new InMemoryDecisionLog();
        await runner.LogAsync(new OffPolicyLogging(0.5), 0.3, seed: 0, log);
        var policy = await runner.CreateWarmPolicyAsync(ReplayPolicy.Thompson, request.Tuning, 0.3, seed: 0);
        var candidate = new DrawAveragedCandidate(policy, runner.Arms, 0.3, experiment.Costs.CostReferenceUsd, 64);
        var probabilities = new double[3];
        foreach (var decision in log.GetDecisions())
        {
            candidate.GetProbabilities(decision, probabilities);
            probabilities.Sum().Should().BeApproximately(1, 1e-12);
            probabilities.Should().OnlyContain(p => Math.Abs((p * 64) - Math.Round(p * 64)) < 1e-9);
        }

        (policy as IDisposable)?.Dispose();
        experiment.Dispose();
    }

    [Fact]
    public void The_off_policy_mode_needs_training_data()
    {
        var request = SmallRequest() with { TrainPath = null, OffPolicy = new OffPolicyLogging(0.2) };

        var act = () => ReplayExperiment.Load(request);

        act.Should().Throw<ArgumentException>().WithMessage("*--off-policy-log needs training data*");
    }

    [Fact]
    public void The_off_policy_mode_refuses_learning_settings()
    {
        var request = SmallRequest() with { Settings = [ReplaySetting.OnlineWarm], OffPolicy = new OffPolicyLogging(0.2) };

        var act = () => ReplayExperiment.Load(request);

        act.Should().Throw<ArgumentException>().WithMessage("*--off-policy-log evaluates frozen (offline) policies*");
    }

    private ReplayRequest SmallRequest() => new()
    {
        TrainPath = _files.Write("train.json", SmallSplit.Json(120, seed: 1)),
        TestPath = _files.Write("test.json", SmallSplit.Json(40, seed: 2)),
        PricesPath = _files.Write("prices.json", SmallSplit.Prices),
        Tuning = new ReplayTuning { Featurizer = ReplayFeaturizerKind.Hashing, FeatureDimension = 32 },
        MaxParallelism = 2,
    };
}
