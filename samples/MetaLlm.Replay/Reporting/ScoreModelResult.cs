using System.Globalization;
using System.Text.Json.Serialization;
using MetaLlm.Replay.Evaluation;

namespace MetaLlm.Replay.Reporting;

/// <summary>One score model of the report's comparison (<c>--score-models on</c>): penalties, cross-validated losses, routing, AIQ.</summary>
internal sealed record ScoreModelResult(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("folds")] int Folds,
    [property: JsonPropertyName("penalties")] IReadOnlyDictionary<string, double> Penalties,
    [property: JsonPropertyName("crossValidationLoss")] IReadOnlyDictionary<string, double> CrossValidationLoss,
    [property: JsonPropertyName("crossValidationBrier")] double CrossValidationBrier,
    [property: JsonPropertyName("aiq")] double Aiq,
    [property: JsonPropertyName("points")] IReadOnlyList<LambdaPoint> Points,
    [property: JsonPropertyName("atBestSingleBudget")] LambdaPoint? AtBestSingleBudget,
    [property: JsonPropertyName("cheapestMatchingBestSingle")] LambdaPoint? CheapestMatchingBestSingle)
{
    public static ScoreModelResult From(ScoreModelOutcome outcome, IReadOnlyList<string> arms, SingleModelResult bestSingle, Baselines baselines)
    {
        var points = outcome.Points.Select(p => new LambdaPoint(p.Lambda, p.Point.Accuracy, p.Point.Cost)).ToList();
        return new(
            outcome.Name,
            ScoreModelComparison.FoldCount,
            arms.Select((a, i) => (a, outcome.Penalties[i])).ToDictionary(p => p.a, p => p.Item2),
            ScoreModelComparison.CandidatePenalties.Select((p, i) => (p, outcome.CrossValidationLoss[i]))
                .ToDictionary(e => e.p.ToString(CultureInfo.InvariantCulture), e => Math.Round(e.Item2, 6)),
            Math.Round(outcome.CrossValidationBrier, 6),
            baselines.Aiq(outcome.Points.Select(p => p.Point)),
            points,
            BestSingleComparison.MostAccurateWithin(points, p => p.CostPerQuery, p => p.Accuracy, bestSingle.CostPerQuery),
            BestSingleComparison.CheapestReaching(points, p => p.CostPerQuery, p => p.Accuracy, bestSingle.Accuracy));
    }

    /// <summary>One line for the console.</summary>
    public string Describe()
    {
        string budget = AtBestSingleBudget is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b.Accuracy:0.000} for ${b.CostPerQuery:0.000000}") : "no point";
        return string.Create(CultureInfo.InvariantCulture, $"Score model {Model} (penalties by {Folds}-fold cross-validation on the training file, mean training costs): AIQ {Aiq:0.000}; within the best single model's budget {budget}; cross-validated Brier {CrossValidationBrier:0.0000}.");
    }
}
