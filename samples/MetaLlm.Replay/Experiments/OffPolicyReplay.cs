using System.Globalization;
using MetaLlm.Replay.Reporting;

namespace MetaLlm.Replay.Experiments;

/// <summary>
/// The off-policy mode (<c>--off-policy-log</c>): per λ and seed, logs the test queries through a warm-started,
/// frozen epsilon-greedy router, then estimates every candidate's mean score, normalised cost and reward from that log
/// with <see cref="OffPolicyEvaluator"/> (IPS, SNIPS, DR) and sets each estimate against the candidate's own offline
/// replay of the same queries.
/// </summary>
/// <remarks>
/// <para>
/// The logging router is the stationary policy its propensities describe: it restores the warm start like the offline
/// setting and serves through a <see cref="FrozenPolicy"/>, so recording feedback logs each decision without changing
/// the policy. Its seed is the run's seed, so each seed is a fresh log of the same questions.
/// </para>
/// <para>
/// Candidates are fresh warm-started instances of the <c>--policies</c>, configured as their offline replays are, seeded
/// with the seed, adapted by <see cref="RoutingPolicyCandidate"/> at the cell's λ: epsilon-greedy with its exact
/// probabilities, LinUCB and the paper's configuration as the deterministic policies they are, Thompson sampling by one
/// draw of its choice per decision (unbiased for its expected value; its own replay is one draw too), or by the share of
/// <see cref="OffPolicyLogging.ThompsonDraws"/> draws (<see cref="DrawAveragedCandidate"/>).
/// </para>
/// <para>
/// DR's outcome model is a <see cref="RoutingPolicyOutcomeModel"/> of the warm-started ridge models (the logging
/// policy's own, frozen): fitted on the training file only, so it is independent of the log it corrects and adds no
/// bias from fitting on it.
/// </para>
/// </remarks>
internal static class OffPolicyReplay
{
    public const string LoggingDescription =
        "warm-started on the training file like the offline setting, then frozen: feedback is recorded so every decision is logged with its propensity, but the policy never learns from it";

    public const string OutcomeModelDescription =
        "RoutingPolicyOutcomeModel of the warm-started ridge models (fitted on the training file only, independent of the log)";

    public const string TruthDescription =
        "the candidate's mean over the same test queries in its own offline replay (same λ, seed and warm start)";

    private static readonly (string Name, OffPolicyEstimator Estimator)[] Estimators =
    [
        ("ips", OffPolicyEstimator.InversePropensity),
        ("snips", OffPolicyEstimator.SelfNormalizedInversePropensity),
        ("dr", OffPolicyEstimator.DoublyRobust),
    ];

    /// <summary>Logs and evaluates every λ × seed, in parallel; <paramref name="truths"/> are the candidates' offline replays.</summary>
    /// <param name="progress">Called with the logging router's replay once per finished λ × seed.</param>
    public static async Task<OffPolicyReport> RunAsync(
        ReplayRunner runner,
        OffPolicyLogging logging,
        IReadOnlyList<ReplayPolicy> candidates,
        ReplayTuning tuning,
        IReadOnlyList<double> lambdas,
        int seeds,
        decimal? costReferenceUsd,
        IReadOnlyList<ReplayRunResult> truths,
        int maxParallelism,
        Action<ReplayRunResult>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var jobs = (from lambda in lambdas from seed in Enumerable.Range(0, seeds) select (Lambda: lambda, Seed: seed)).ToList();
        var logs = new OffPolicyLogResult[jobs.Count];
        var cells = new List<OffPolicyCellResult>[jobs.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, jobs.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxParallelism), CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var (lambda, seed) = jobs[i];
                (var logged, logs[i], cells[i]) = await EvaluateAsync(runner, logging, candidates, tuning, lambda, seed, costReferenceUsd, truths, ct).ConfigureAwait(false);
                progress?.Invoke(logged);
            }).ConfigureAwait(false);

        var all = cells.SelectMany(c => c).ToList();
        return new OffPolicyReport
        {
            LoggingPolicy = logging.Name,
            Epsilon = logging.Epsilon,
            ThompsonDraws = logging.ThompsonDraws,
            Logging = LoggingDescription,
            OutcomeModel = OutcomeModelDescription,
            Truth = TruthDescription,
            Confidence = 0.95,
            Logs = logs,
            Cells = all,
            Summary = [.. Estimators.Select(e => Summarize(e.Name, null, all.Where(c => c.Estimator == e.Name)))],
            SummaryByCandidate = [.. from e in Estimators
                                     from candidate in candidates
                                     select Summarize(e.Name, candidate.Name, all.Where(c => c.Estimator == e.Name && c.Candidate == candidate.Name))],
        };
    }

    private static async Task<(ReplayRunResult Logged, OffPolicyLogResult Log, List<OffPolicyCellResult> Cells)> EvaluateAsync(
        ReplayRunner runner,
        OffPolicyLogging logging,
        IReadOnlyList<ReplayPolicy> candidates,
        ReplayTuning tuning,
        double lambda,
        int seed,
        decimal? costReferenceUsd,
        IReadOnlyList<ReplayRunResult> truths,
        CancellationToken cancellationToken)
    {
        var log = new InMemoryDecisionLog(runner.QueryCount);
        var logged = await runner.LogAsync(logging, lambda, seed, log, cancellationToken).ConfigureAwait(false);
        var decisions = log.GetDecisions();
        if (log.DroppedCount > 0 || decisions.Count == 0)
        {
            throw new InvalidOperationException($"The decision log of λ = {lambda.ToString(CultureInfo.InvariantCulture)}, seed {seed} holds {decisions.Count} decisions and dropped {log.DroppedCount}.");
        }

        double greedyFloor = logging.Epsilon / runner.Arms.Count;
        var logResult = new OffPolicyLogResult
        {
            Lambda = lambda,
            Seed = seed,
            Decisions = decisions.Count,
            Accuracy = logged.Accuracy,
            CostPerQuery = logged.CostPerQuery,
            MeanNormalizedCost = logged.MeanNormalizedCost,
            MeanReward = logged.MeanReward,
            MinPropensity = decisions.Min(d => d.Propensity),
            GreedyShare = decisions.Count(d => d.Propensity > greedyFloor * (1 + 1e-9)) / (double)decisions.Count,
        };

        var outcomePolicy = await runner.CreateWarmPolicyAsync(ReplayPolicy.EpsilonGreedy, tuning, lambda, seed, cancellationToken).ConfigureAwait(false);
        var cells = new List<OffPolicyCellResult>();
        try
        {
            var outcomeModel = new RoutingPolicyOutcomeModel(outcomePolicy, runner.Arms, costReferenceUsd);
            foreach (var candidatePolicy in candidates)
            {
                var truth = truths.SingleOrDefault(r => r.Policy == candidatePolicy.Name && r.Setting == ReplaySetting.Offline && r.Lambda == lambda && r.Seed == seed)
                    ?? throw new InvalidOperationException($"No offline replay of {candidatePolicy.Name} at λ = {lambda.ToString(CultureInfo.InvariantCulture)}, seed {seed} to compare with.");
                var policy = await runner.CreateWarmPolicyAsync(candidatePolicy, tuning, lambda, seed, cancellationToken).ConfigureAwait(false);
                try
                {
                    ICandidatePolicy candidate = candidatePolicy.Kind == RoutingPolicyKind.ThompsonSampling && logging.ThompsonDraws > 1
                        ? new DrawAveragedCandidate(policy, runner.Arms, lambda, costReferenceUsd, logging.ThompsonDraws)
                        : new RoutingPolicyCandidate(policy, runner.Arms, lambda, costReferenceUsd);
                    double agreement = Agreement(decisions, candidate, runner.Arms.Count);
                    foreach (var (name, estimator) in Estimators)
                    {
                        var estimate = estimator switch
                        {
                            OffPolicyEstimator.InversePropensity => OffPolicyEvaluator.EvaluateInversePropensity(decisions, candidate),
                            OffPolicyEstimator.SelfNormalizedInversePropensity => OffPolicyEvaluator.EvaluateSelfNormalized(decisions, candidate),
                            _ => OffPolicyEvaluator.EvaluateDoublyRobust(decisions, candidate, outcomeModel),
                        };
                        cells.Add(new OffPolicyCellResult
                        {
                            Candidate = candidatePolicy.Name,
                            Lambda = lambda,
                            Seed = seed,
                            Estimator = name,
                            EffectiveSampleSize = estimate.EffectiveSampleSize,
                            Agreement = agreement,
                            Score = Quantity(estimate.Score, truth.Accuracy),
                            NormalizedCost = Quantity(estimate.Cost, truth.MeanNormalizedCost),
                            Reward = Quantity(estimate.GetReward(lambda), truth.MeanReward),
                            Warnings = estimate.Warnings,
                        });
                    }
                }
                finally
                {
                    (policy as IDisposable)?.Dispose();
                }
            }
        }
        finally
        {
            (outcomePolicy as IDisposable)?.Dispose();
        }

        return (logged, logResult, cells);
    }

    // The mean probability the candidate gives the logged arm: the share of the log it "agrees" with.
    private static double Agreement(IReadOnlyList<LoggedDecision> decisions, ICandidatePolicy candidate, int arms)
    {
        var probabilities = new double[arms];
        double sum = 0;
        foreach (var decision in decisions)
        {
            Array.Clear(probabilities);
            candidate.GetProbabilities(decision, probabilities);
            sum += probabilities[decision.ArmIndex];
        }

        return sum / decisions.Count;
    }

    private static OffPolicyQuantityResult Quantity(OffPolicyValue value, double truth)
    {
        bool defined = double.IsFinite(value.Estimate) && double.IsFinite(value.StandardError);
        return new OffPolicyQuantityResult
        {
            Estimate = Finite(value.Estimate),
            StandardError = Finite(value.StandardError),
            Lower = defined ? value.Lower : null,
            Upper = defined ? value.Upper : null,
            Width = defined ? value.Upper - value.Lower : null,
            Truth = truth,
            Covered = defined && value.Contains(truth),
        };
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static OffPolicySummaryResult Summarize(string estimator, string? candidate, IEnumerable<OffPolicyCellResult> cells)
    {
        var list = cells.ToList();
        return new OffPolicySummaryResult
        {
            Estimator = estimator,
            Candidate = candidate,
            Cells = list.Count,
            ScoreCoverage = Share(list, c => c.Score.Covered),
            NormalizedCostCoverage = Share(list, c => c.NormalizedCost.Covered),
            RewardCoverage = Share(list, c => c.Reward.Covered),
            MeanScoreWidth = Mean(list.Select(c => c.Score.Width)),
            MeanNormalizedCostWidth = Mean(list.Select(c => c.NormalizedCost.Width)),
            MeanRewardWidth = Mean(list.Select(c => c.Reward.Width)),
            MeanAbsoluteScoreError = Mean(list.Select(c => c.Score.Estimate is { } e ? Math.Abs(e - c.Score.Truth) : (double?)null)),
            MeanEffectiveSampleSize = list.Count == 0 ? 0 : list.Average(c => c.EffectiveSampleSize),
        };
    }

    private static double Share(List<OffPolicyCellResult> cells, Func<OffPolicyCellResult, bool> covered) =>
        cells.Count == 0 ? 0 : cells.Count(covered) / (double)cells.Count;

    private static double? Mean(IEnumerable<double?> values)
    {
        var defined = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        return defined.Count == 0 ? null : defined.Average();
    }
}
