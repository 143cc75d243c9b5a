namespace MetaLlm.Replay.Evaluation;

/// <summary>
/// The upper cost–accuracy frontier of a set of routers: the best accuracy reachable at each budget by mixing them
/// at random per query (the convex hull, RouterBench's "zero router" when the points are single models), made
/// non-decreasing because a larger budget never has to be spent.
/// </summary>
internal sealed class CostAccuracyFrontier
{
    private readonly CostAccuracyPoint[] _vertices;

    public CostAccuracyFrontier(IEnumerable<CostAccuracyPoint> points)
    {
        var sorted = points
            .Where(p => double.IsFinite(p.Cost) && double.IsFinite(p.Accuracy))
            .OrderBy(p => p.Cost).ThenByDescending(p => p.Accuracy)
            .ToList();
        if (sorted.Count == 0)
        {
            throw new ArgumentException("The frontier needs at least one point.", nameof(points));
        }

        // Andrew's monotone chain, upper half: keep only right turns.
        var hull = new List<CostAccuracyPoint>();
        foreach (var p in sorted)
        {
            if (hull.Count > 0 && hull[^1].Cost == p.Cost)
            {
                continue;
            }

            while (hull.Count >= 2 && Cross(hull[^2], hull[^1], p) >= 0)
            {
                hull.RemoveAt(hull.Count - 1);
            }

            hull.Add(p);
        }

        // Past the most accurate vertex the budget is not worth spending: the frontier stays flat there.
        int best = 0;
        for (int i = 1; i < hull.Count; i++)
        {
            if (hull[i].Accuracy > hull[best].Accuracy)
            {
                best = i;
            }
        }

        _vertices = [.. hull.Take(best + 1)];
    }

    /// <summary>Gets the frontier's corners, by increasing cost and accuracy.</summary>
    public IReadOnlyList<CostAccuracyPoint> Vertices => _vertices;

    /// <summary>The best accuracy reachable with a budget of <paramref name="cost"/> per query; NaN below the cheapest point.</summary>
    public double AccuracyAt(double cost)
    {
        if (cost < _vertices[0].Cost)
        {
            return double.NaN;
        }

        for (int i = 1; i < _vertices.Length; i++)
        {
            if (cost <= _vertices[i].Cost)
            {
                var (a, b) = (_vertices[i - 1], _vertices[i]);
                return a.Accuracy + ((b.Accuracy - a.Accuracy) * (cost - a.Cost) / (b.Cost - a.Cost));
            }
        }

        return _vertices[^1].Accuracy;
    }

    /// <summary>
    /// RouterBench's AIQ: the area under the frontier between <paramref name="low"/> and <paramref name="high"/>,
    /// divided by <c>high − low</c>; the accuracy at <paramref name="low"/> when the range is empty.
    /// </summary>
    public double AverageQuality(double low, double high)
    {
        if (low < _vertices[0].Cost)
        {
            throw new ArgumentOutOfRangeException(nameof(low), low, $"The frontier starts at cost {_vertices[0].Cost}; AIQ needs a range it covers.");
        }

        if (!(high > low))
        {
            return AccuracyAt(low);
        }

        // The frontier is piecewise linear, so the trapezoid rule between its corners is exact.
        var cuts = new List<double> { low };
        cuts.AddRange(_vertices.Select(v => v.Cost).Where(c => c > low && c < high));
        cuts.Add(high);
        double area = 0;
        for (int i = 1; i < cuts.Count; i++)
        {
            area += (cuts[i] - cuts[i - 1]) * (AccuracyAt(cuts[i - 1]) + AccuracyAt(cuts[i])) / 2;
        }

        return area / (high - low);
    }

    // > 0 when a → b → c turns left (c lies above the line through a and b).
    private static double Cross(CostAccuracyPoint a, CostAccuracyPoint b, CostAccuracyPoint c) =>
        ((b.Cost - a.Cost) * (c.Accuracy - a.Accuracy)) - ((b.Accuracy - a.Accuracy) * (c.Cost - a.Cost));
}
