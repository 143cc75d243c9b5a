using System.Text.Json.Serialization;

namespace MetaLlm.Replay.Reporting;

/// <summary>One λ of an offline yardstick (the nearest-neighbour baseline, the score-model comparison): its accuracy and cost per query.</summary>
internal sealed record LambdaPoint(
    [property: JsonPropertyName("lambda")] double Lambda,
    [property: JsonPropertyName("accuracy")] double Accuracy,
    [property: JsonPropertyName("costPerQuery")] double CostPerQuery);
