using System.Text.Json.Serialization;

namespace MetaLlm.Replay.Reporting;

/// <summary>One model answering every query.</summary>
internal sealed record SingleModelResult(
    [property: JsonPropertyName("arm")] string Arm,
    [property: JsonPropertyName("accuracy")] double Accuracy,
    [property: JsonPropertyName("costPerQuery")] double CostPerQuery);
