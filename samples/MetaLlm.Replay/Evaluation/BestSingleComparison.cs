namespace MetaLlm.Replay.Evaluation;

/// <summary>
/// The two ways every report holds a router against the best single model: its most accurate point within that
/// model's cost (the cheaper one on a tie), and its cheapest point at least as accurate. One rule for the report, the
/// validation summary, the nearest-neighbour baseline and the console.
/// </summary>
internal static class BestSingleComparison
{
    /// <summary>The most accurate point costing no more than <paramref name="budget"/>, the cheaper on a tie, or the default when none does.</summary>
    public static T? MostAccurateWithin<T>(IEnumerable<T> points, Func<T, double> cost, Func<T, double> accuracy, double budget) =>
        points.Where(p => cost(p) <= budget).OrderByDescending(accuracy).ThenBy(cost).FirstOrDefault();

    /// <summary>The cheapest point at least <paramref name="target"/> accurate, or the default when none is.</summary>
    public static T? CheapestReaching<T>(IEnumerable<T> points, Func<T, double> cost, Func<T, double> accuracy, double target) =>
        points.Where(p => accuracy(p) >= target).OrderBy(cost).FirstOrDefault();
}
