using System.Text.Json.Serialization;

namespace MetaLlm.Replay.Reporting;

/// <summary>
/// The <c>validation</c> field of a <c>--validate</c> run's report: how the training file was split, and per fold and
/// pooled over the folds each policy's AIQ, its share of the zero router → oracle gap and its trade-off against the best
/// single model. The report around it is the pooled out-of-fold replay.
/// </summary>
internal sealed record ValidationReport
{
    /// <summary>Gets <c>leave-cluster-out</c> or <c>kfold</c>.</summary>
    [JsonPropertyName("scheme")]
    public required string Scheme { get; init; }

    [JsonPropertyName("foldCount")]
    public required int FoldCount { get; init; }

    /// <summary>Gets the seed of k-fold's permutation; null for leave-cluster-out.</summary>
    [JsonPropertyName("foldSeed")]
    public int? FoldSeed { get; init; }

    /// <summary>Gets the split dataset (the training file).</summary>
    [JsonPropertyName("dataset")]
    public required string Dataset { get; init; }

    [JsonPropertyName("queries")]
    public required int Queries { get; init; }

    /// <summary>Gets each fold's results, each on its held-out queries after a warm start on the other folds.</summary>
    [JsonPropertyName("folds")]
    public required IReadOnlyList<ValidationFoldResult> Folds { get; init; }

    /// <summary>Gets the results over every query, each answered by the router of the fold that held it out (fold-size-weighted means).</summary>
    [JsonPropertyName("pooled")]
    public required ValidationFoldResult Pooled { get; init; }
}

/// <summary>One fold's (or the pooled) validation results.</summary>
internal sealed record ValidationFoldResult
{
    /// <summary>Gets what was held out (<c>cluster 0</c>, <c>fold 2/5</c>), or <c>pooled</c>.</summary>
    [JsonPropertyName("fold")]
    public required string Fold { get; init; }

    [JsonPropertyName("testQueries")]
    public required int TestQueries { get; init; }

    /// <summary>Gets the number of warm-start queries (for <c>pooled</c>, the mean over folds, rounded).</summary>
    [JsonPropertyName("trainQueries")]
    public required int TrainQueries { get; init; }

    /// <summary>Gets the most accurate single model on these held-out queries (the cheaper one on a tie).</summary>
    [JsonPropertyName("bestSingle")]
    public required SingleModelResult BestSingle { get; init; }

    /// <summary>Gets AIQ of all router points together, of the zero router and of the oracle.</summary>
    [JsonPropertyName("aiq")]
    public required AiqResult Aiq { get; init; }

    /// <summary>Gets (router − zero router) / (oracle − zero router) of <see cref="Aiq"/>; null when the oracle is no better than the zero router.</summary>
    [JsonPropertyName("gapShare")]
    public double? GapShare { get; init; }

    /// <summary>Gets the most accurate router point (any policy) costing no more than the best single model.</summary>
    [JsonPropertyName("atBestSingleCost")]
    public ValidationPointResult? AtBestSingleCost { get; init; }

    /// <summary>Gets the cheapest router point (any policy) at least as accurate as the best single model.</summary>
    [JsonPropertyName("cheapestMatchingBestSingle")]
    public ValidationPointResult? CheapestMatchingBestSingle { get; init; }

    /// <summary>Gets the same numbers for each policy and setting over its own λ sweep.</summary>
    [JsonPropertyName("policies")]
    public required IReadOnlyList<ValidationPolicyResult> Policies { get; init; }

    /// <summary>Gets every point of the fold (absent from <c>pooled</c>, whose points are the report's <c>points</c>).</summary>
    [JsonPropertyName("points")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RouterPointResult>? Points { get; init; }
}

/// <summary>One policy and setting's validation results on one fold (or pooled).</summary>
internal sealed record ValidationPolicyResult
{
    [JsonPropertyName("policy")]
    public required string Policy { get; init; }

    [JsonPropertyName("setting")]
    public required string Setting { get; init; }

    /// <summary>Gets the AIQ of this policy's λ points with the single models.</summary>
    [JsonPropertyName("aiq")]
    public required double Aiq { get; init; }

    /// <summary>Gets (aiq − zero router) / (oracle − zero router); null when the oracle is no better than the zero router.</summary>
    [JsonPropertyName("gapShare")]
    public double? GapShare { get; init; }

    /// <summary>Gets this policy's most accurate point costing no more than the best single model, or null.</summary>
    [JsonPropertyName("atBestSingleCost")]
    public ValidationPointResult? AtBestSingleCost { get; init; }

    /// <summary>Gets this policy's cheapest point at least as accurate as the best single model, or null.</summary>
    [JsonPropertyName("cheapestMatchingBestSingle")]
    public ValidationPointResult? CheapestMatchingBestSingle { get; init; }
}

/// <summary>A router point, briefly: which one and what it achieved (means over seeds).</summary>
internal sealed record ValidationPointResult(
    [property: JsonPropertyName("policy")] string Policy,
    [property: JsonPropertyName("setting")] string Setting,
    [property: JsonPropertyName("lambda")] double Lambda,
    [property: JsonPropertyName("accuracy")] double Accuracy,
    [property: JsonPropertyName("accuracyStd")] double AccuracyStd,
    [property: JsonPropertyName("costPerQuery")] double CostPerQuery);
