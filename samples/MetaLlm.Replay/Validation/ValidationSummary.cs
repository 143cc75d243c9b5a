using MetaLlm.Replay.Evaluation;
using MetaLlm.Replay.Experiments;
using MetaLlm.Replay.Reporting;

namespace MetaLlm.Replay.Validation;

/// <summary>
/// Aggregates cross-validation: pools the folds' replays into out-of-fold replays of the whole file, and reduces a
/// replay report (a fold's or the pooled one) to the validation numbers: AIQ, share of the zero router → oracle gap,
/// and the trade-off against the best single model, for all points and per policy and setting.
/// </summary>
internal static class ValidationSummary
{
    /// <summary>
    /// Pools the folds' runs: for each policy × setting × λ × seed, the replay of every query by the router of the fold
    /// that held it out. Accuracy, cost, reward and arm shares are fold-size-weighted means; the regret, a sum over
    /// queries, is summed.
    /// </summary>
    /// <param name="folds">Each fold's number of held-out queries and its runs.</param>
    /// <exception cref="ArgumentException">The folds did not replay the same policies, settings, λ and seeds.</exception>
    public static IReadOnlyList<ReplayRunResult> Pool(IReadOnlyList<(int Queries, IReadOnlyList<ReplayRunResult> Runs)> folds)
    {
        int total = folds.Sum(f => f.Queries);
        var keys = folds[0].Runs.Select(Key).Distinct().ToList();
        var byFold = folds.Select(f => f.Runs.ToDictionary(Key)).ToList();
        if (byFold.Any(f => f.Count != keys.Count || keys.Any(k => !f.ContainsKey(k))))
        {
            throw new ArgumentException("Every fold must replay the same policies, settings, λ and seeds.", nameof(folds));
        }

        return [.. keys.Select(key =>
        {
            var runs = byFold.Select((f, i) => (Weight: (double)folds[i].Queries / total, Run: f[key])).ToList();
            int arms = runs[0].Run.ArmShares.Count;
            return new ReplayRunResult(
                key.Policy,
                key.Setting,
                key.Lambda,
                key.Seed,
                runs.Sum(r => r.Weight * r.Run.Accuracy),
                runs.Sum(r => r.Weight * r.Run.CostPerQuery),
                runs.Sum(r => r.Weight * r.Run.MeanReward),
                runs.Sum(r => r.Run.RegretVsOracle),
                [.. Enumerable.Range(0, arms).Select(a => runs.Sum(r => r.Weight * r.Run.ArmShares[a]))]);
        })];
    }

    /// <summary>Reduces a replay report to its validation numbers.</summary>
    /// <param name="fold">What was held out, or <c>pooled</c>.</param>
    /// <param name="report">The fold's replay report on its held-out queries, or the pooled out-of-fold report.</param>
    /// <param name="trainQueries">The number of warm-start queries.</param>
    /// <param name="keepPoints">Whether to copy the report's points into the result.</param>
    public static ValidationFoldResult Summarize(string fold, ReplayReport report, int trainQueries, bool keepPoints)
    {
        var best = report.BestSingle;
        var policies = report.Points
            .GroupBy(p => (p.Policy, p.Setting))
            .Select(g =>
            {
                double aiq = report.AiqByPolicy.First(a => a.Policy == g.Key.Policy && a.Setting == g.Key.Setting).Aiq;
                return new ValidationPolicyResult
                {
                    Policy = g.Key.Policy,
                    Setting = g.Key.Setting,
                    Aiq = aiq,
                    GapShare = GapShare(aiq, report.Aiq),
                    AtBestSingleCost = Brief(AtBestSingleCost(g, best)),
                    CheapestMatchingBestSingle = Brief(CheapestMatching(g, best)),
                };
            })
            .ToList();

        return new ValidationFoldResult
        {
            Fold = fold,
            TestQueries = report.Queries,
            TrainQueries = trainQueries,
            BestSingle = best,
            Aiq = report.Aiq,
            GapShare = GapShare(report.Aiq.Router, report.Aiq),
            AtBestSingleCost = Brief(AtBestSingleCost(report.Points, best)),
            CheapestMatchingBestSingle = Brief(CheapestMatching(report.Points, best)),
            Policies = policies,
            Points = keepPoints ? report.Points : null,
        };
    }

    /// <summary>(aiq − zero router) / (oracle − zero router), or null when the oracle is no better than the zero router.</summary>
    public static double? GapShare(double aiq, AiqResult baselines) =>
        baselines.Oracle > baselines.ZeroRouter ? (aiq - baselines.ZeroRouter) / (baselines.Oracle - baselines.ZeroRouter) : null;

    // The same rules as the replay report's atBestSingleBudget and cheapestMatchingBestSingle.
    private static RouterPointResult? AtBestSingleCost(IEnumerable<RouterPointResult> points, SingleModelResult best) =>
        BestSingleComparison.MostAccurateWithin(points, p => p.CostPerQuery, p => p.Accuracy, best.CostPerQuery);

    private static RouterPointResult? CheapestMatching(IEnumerable<RouterPointResult> points, SingleModelResult best) =>
        BestSingleComparison.CheapestReaching(points, p => p.CostPerQuery, p => p.Accuracy, best.Accuracy);

    private static ValidationPointResult? Brief(RouterPointResult? point) =>
        point is null ? null : new(point.Policy, point.Setting, point.Lambda, point.Accuracy, point.AccuracyStd, point.CostPerQuery);

    private static (string Policy, ReplaySetting Setting, double Lambda, int Seed) Key(ReplayRunResult run) => (run.Policy, run.Setting, run.Lambda, run.Seed);
}
