using System.Globalization;
using System.Text.Json.Serialization;
using MetaLlm.Replay.Evaluation;

namespace MetaLlm.Replay.Reporting;

/// <summary>The k-nearest-neighbour baseline of the report: its k, its points and AIQ, set against the best single model.</summary>
internal sealed record NearestNeighborResult(
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("leaveOneOutError")] IReadOnlyDictionary<string, double> LeaveOneOutError,
    [property: JsonPropertyName("aiq")] double Aiq,
    [property: JsonPropertyName("points")] IReadOnlyList<LambdaPoint> Points,
    [property: JsonPropertyName("atBestSingleBudget")] LambdaPoint? AtBestSingleBudget,
    [property: JsonPropertyName("cheapestMatchingBestSingle")] LambdaPoint? CheapestMatchingBestSingle)
{
    public static NearestNeighborResult From(NearestNeighborBaseline baseline, SingleModelResult bestSingle, Baselines baselines)
    {
        var points = baseline.Points.Select(p => new LambdaPoint(p.Lambda, p.Point.Accuracy, p.Point.Cost)).ToList();
        return new(
            baseline.K,
            NearestNeighborBaseline.CandidateK.Select((k, i) => (k, baseline.LeaveOneOutErrors[i]))
                .Where(e => double.IsFinite(e.Item2))
                .ToDictionary(e => e.k.ToString(CultureInfo.InvariantCulture), e => Math.Round(e.Item2, 6)),
            baselines.Aiq(baseline.Points.Select(p => p.Point)),
            points,
            BestSingleComparison.MostAccurateWithin(points, p => p.CostPerQuery, p => p.Accuracy, bestSingle.CostPerQuery),
            BestSingleComparison.CheapestReaching(points, p => p.CostPerQuery, p => p.Accuracy, bestSingle.Accuracy));
    }

    /// <summary>One line for the console.</summary>
    public string Describe()
    {
        string budget = AtBestSingleBudget is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b.Accuracy:0.000} for ${b.CostPerQuery:0.000000} (λ = {b.Lambda:0.###})") : "no point";
        string match = CheapestMatchingBestSingle is { } m ? string.Create(CultureInfo.InvariantCulture, $"for ${m.CostPerQuery:0.000000} (λ = {m.Lambda:0.###})") : "never";
        return string.Create(CultureInfo.InvariantCulture, $"k-nearest-neighbour baseline (k = {K}, by leave-one-out on the training file): AIQ {Aiq:0.000}; within the best single model's budget {budget}; matches its accuracy {match}.");
    }
}
