using MetaLlm.Replay.DatasetReaders;

namespace MetaLlm.Replay.Evaluation;

/// <summary>The routers every replay is compared with, computed exactly from the recorded outcomes.</summary>
internal sealed class Baselines
{
    private Baselines(IReadOnlyList<CostAccuracyPoint> singles, CostAccuracyPoint oracle, CostAccuracyPoint random)
    {
        Singles = singles;
        Oracle = oracle;
        Random = random;
        ZeroRouter = new CostAccuracyFrontier(singles);
    }

    /// <summary>Gets each single model's point, in arm order.</summary>
    public IReadOnlyList<CostAccuracyPoint> Singles { get; }

    /// <summary>Gets the oracle: per query, the cheapest model among those with the best score.</summary>
    public CostAccuracyPoint Oracle { get; }

    /// <summary>Gets the uniformly random router's expected point (the mean of the single models).</summary>
    public CostAccuracyPoint Random { get; }

    /// <summary>Gets the zero router: random mixes of single models.</summary>
    public CostAccuracyFrontier ZeroRouter { get; }

    /// <summary>Gets the cost of the cheapest single model, where AIQ's range starts.</summary>
    public double LowestCost => Singles.Min(s => s.Cost);

    /// <summary>Gets the cost of the dearest single model, where AIQ's range ends.</summary>
    public double HighestCost => Singles.Max(s => s.Cost);

    public static Baselines Compute(IReadOnlyList<ReplayQuery> queries, ReplayCostModel costs)
    {
        int k = costs.Pricing.Count;
        var score = new double[k];
        var cost = new decimal[k];
        double oracleScore = 0;
        decimal oracleCost = 0;
        foreach (var query in queries)
        {
            int best = -1;
            decimal bestCost = 0;
            for (int arm = 0; arm < k; arm++)
            {
                double s = query.Outcomes[arm].Score;
                decimal c = costs.Cost(arm, query.Usage[arm]);
                score[arm] += s;
                cost[arm] += c;
                if (best < 0 || s > query.Outcomes[best].Score || (s == query.Outcomes[best].Score && c < bestCost))
                {
                    best = arm;
                    bestCost = c;
                }
            }

            oracleScore += query.Outcomes[best].Score;
            oracleCost += bestCost;
        }

        int n = queries.Count;
        var singles = Enumerable.Range(0, k).Select(arm => new CostAccuracyPoint((double)(cost[arm] / n), score[arm] / n)).ToArray();
        var random = new CostAccuracyPoint(singles.Average(s => s.Cost), singles.Average(s => s.Accuracy));
        return new Baselines(singles, new CostAccuracyPoint((double)(oracleCost / n), oracleScore / n), random);
    }

    /// <summary>AIQ of a frontier over the single models' cost range.</summary>
    public double Aiq(IEnumerable<CostAccuracyPoint> routerPoints) =>
        new CostAccuracyFrontier(Singles.Concat(routerPoints)).AverageQuality(LowestCost, HighestCost);
}
