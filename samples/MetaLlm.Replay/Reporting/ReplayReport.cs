using System.Text.Json.Serialization;

namespace MetaLlm.Replay.Reporting;

/// <summary>The replay report of docs/replay-formats.md; the names marked there are a public contract.</summary>
internal sealed class ReplayReport
{
    [JsonPropertyName("dataset")]
    public required string Dataset { get; init; }

    [JsonPropertyName("queries")]
    public required int Queries { get; init; }

    [JsonPropertyName("arms")]
    public required IReadOnlyList<string> Arms { get; init; }

    [JsonPropertyName("singles")]
    public required IReadOnlyList<SingleModelResult> Singles { get; init; }

    [JsonPropertyName("oracle")]
    public required BaselineResult Oracle { get; init; }

    [JsonPropertyName("points")]
    public required IReadOnlyList<RouterPointResult> Points { get; init; }

    [JsonPropertyName("aiq")]
    public required AiqResult Aiq { get; init; }

    [JsonPropertyName("featurizer")]
    public required string Featurizer { get; init; }

    /// <summary>Gets or sets the featurizer of the routers that learn from scratch (setting online), or <see langword="null"/> when none was replayed.</summary>
    [JsonPropertyName("coldStartFeaturizer")]
    public string? ColdStartFeaturizer { get; set; }

    [JsonPropertyName("elapsedSeconds")]
    public double ElapsedSeconds { get; set; }

    /// <summary>Gets or sets the part of <see cref="ElapsedSeconds"/> spent featurizing (for MiniLM, embedding) every prompt once.</summary>
    [JsonPropertyName("featurizingSeconds")]
    public double FeaturizingSeconds { get; set; }

    // Fields beyond the contract.

    /// <summary>Gets the training file's dataset name, when there is one.</summary>
    [JsonPropertyName("trainDataset")]
    public string? TrainDataset { get; init; }

    [JsonPropertyName("trainQueries")]
    public int TrainQueries { get; init; }

    /// <summary>Gets the expected point of a router that picks a model uniformly at random per query.</summary>
    [JsonPropertyName("random")]
    public required BaselineResult Random { get; init; }

    /// <summary>Gets where the costs come from and which token estimates were used.</summary>
    [JsonPropertyName("costEstimate")]
    public required string CostEstimate { get; init; }

    /// <summary>Gets MetaLlmRouterOptions.CostReferenceUsd, or null for the default normalisation.</summary>
    [JsonPropertyName("costReferenceUsd")]
    public decimal? CostReferenceUsd { get; init; }

    /// <summary>Gets what one unit of λ means.</summary>
    [JsonPropertyName("lambdaUnits")]
    public required string LambdaUnits { get; init; }

    [JsonPropertyName("nearestNeighbor")]
    public NearestNeighborResult? NearestNeighbor { get; set; }

    /// <summary>Gets or sets the offline comparison of score models (ridge, logistic), or <see langword="null"/> when not asked for.</summary>
    [JsonPropertyName("scoreModels")]
    public IReadOnlyList<ScoreModelResult>? ScoreModels { get; set; }

    [JsonPropertyName("warmStart")]
    public WarmStartSummary? WarmStart { get; set; }

    [JsonPropertyName("tuning")]
    public required TuningResult Tuning { get; init; }

    /// <summary>Gets the AIQ of each policy and setting on its own (with the single models).</summary>
    [JsonPropertyName("aiqByPolicy")]
    public required IReadOnlyList<PolicyAiqResult> AiqByPolicy { get; init; }

    /// <summary>Gets the most accurate single model.</summary>
    [JsonPropertyName("bestSingle")]
    public required SingleModelResult BestSingle { get; init; }

    /// <summary>Gets the most accurate router point that costs no more than the best single model.</summary>
    [JsonPropertyName("atBestSingleBudget")]
    public RouterPointResult? AtBestSingleBudget { get; init; }

    /// <summary>Gets the cheapest router point at least as accurate as the best single model.</summary>
    [JsonPropertyName("cheapestMatchingBestSingle")]
    public RouterPointResult? CheapestMatchingBestSingle { get; init; }

    [JsonPropertyName("zeroRouterFrontier")]
    public required IReadOnlyList<BaselineResult> ZeroRouterFrontier { get; init; }

    [JsonPropertyName("routerFrontier")]
    public required IReadOnlyList<BaselineResult> RouterFrontier { get; init; }

    /// <summary>
    /// Gets or sets the cross-validation results of a <c>--validate</c> run, whose report is otherwise the pooled
    /// out-of-fold replay of the training file; absent from a plain replay's report.
    /// </summary>
    [JsonPropertyName("validation")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ValidationReport? Validation { get; set; }

    /// <summary>
    /// Gets or sets the off-policy evaluation of an <c>--off-policy-log</c> run, whose report is otherwise the offline
    /// replay of the candidates; absent from other reports.
    /// </summary>
    [JsonPropertyName("offPolicy")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OffPolicyReport? OffPolicy { get; set; }
}
