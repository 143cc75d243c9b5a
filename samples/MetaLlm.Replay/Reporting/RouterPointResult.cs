using System.Text.Json.Serialization;

namespace MetaLlm.Replay.Reporting;

/// <summary>One policy × setting × λ, averaged over the seeds' shuffled query orders.</summary>
internal sealed record RouterPointResult
{
    [JsonPropertyName("policy")]
    public required string Policy { get; init; }

    [JsonPropertyName("setting")]
    public required string Setting { get; init; }

    /// <summary>Gets MetaLlmRouterOptions.CostWeight (see the report's lambdaUnits).</summary>
    [JsonPropertyName("lambda")]
    public required double Lambda { get; init; }

    [JsonPropertyName("seeds")]
    public required int Seeds { get; init; }

    [JsonPropertyName("accuracy")]
    public required double Accuracy { get; init; }

    /// <summary>Gets the sample standard deviation of the accuracy over seeds (0 for one seed).</summary>
    [JsonPropertyName("accuracyStd")]
    public required double AccuracyStd { get; init; }

    [JsonPropertyName("costPerQuery")]
    public required double CostPerQuery { get; init; }

    [JsonPropertyName("costPerQueryStd")]
    public required double CostPerQueryStd { get; init; }

    /// <summary>Gets the mean reward score − λ·normalisedCost per query.</summary>
    [JsonPropertyName("meanReward")]
    public required double MeanReward { get; init; }

    /// <summary>Gets the cumulative reward regret: Σ over queries of the best arm's reward minus the chosen arm's, averaged over seeds.</summary>
    [JsonPropertyName("regretVsOracle")]
    public required double RegretVsOracle { get; init; }

    /// <summary>Gets the share of queries each arm answered, averaged over seeds.</summary>
    [JsonPropertyName("armShares")]
    public required IReadOnlyDictionary<string, double> ArmShares { get; init; }
}
