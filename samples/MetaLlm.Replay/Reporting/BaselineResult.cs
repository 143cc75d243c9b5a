using System.Text.Json.Serialization;

namespace MetaLlm.Replay.Reporting;

/// <summary>A point of the cost–accuracy plane in the report.</summary>
internal sealed record BaselineResult(
    [property: JsonPropertyName("accuracy")] double Accuracy,
    [property: JsonPropertyName("costPerQuery")] double CostPerQuery);
