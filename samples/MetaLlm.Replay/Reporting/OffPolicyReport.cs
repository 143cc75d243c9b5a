using System.Text.Json.Serialization;

namespace MetaLlm.Replay.Reporting;

/// <summary>
/// The <c>offPolicy</c> field of an <c>--off-policy-log</c> run's report: per λ and seed a frozen epsilon-greedy
/// router's log of the test queries, and for every candidate policy its mean score, normalised cost and reward
/// estimated from that log by IPS, SNIPS and DR, set against its own offline replay of the same queries.
/// </summary>
internal sealed record OffPolicyReport
{
    /// <summary>Gets the logging policy's name (<c>epsilon-greedy</c>).</summary>
    [JsonPropertyName("loggingPolicy")]
    public required string LoggingPolicy { get; init; }

    /// <summary>Gets the logging policy's ε.</summary>
    [JsonPropertyName("epsilon")]
    public required double Epsilon { get; init; }

    /// <summary>Gets how many draws of a Thompson-sampling candidate's choice estimate its probabilities per decision (1: RoutingPolicyCandidate's single draw).</summary>
    [JsonPropertyName("thompsonDraws")]
    public required int ThompsonDraws { get; init; }

    /// <summary>Gets how the logging router behaved: warm-started like the offline setting, frozen while it logged.</summary>
    [JsonPropertyName("logging")]
    public required string Logging { get; init; }

    /// <summary>Gets the doubly robust estimator's outcome model.</summary>
    [JsonPropertyName("outcomeModel")]
    public required string OutcomeModel { get; init; }

    /// <summary>Gets what the truth of a cell is.</summary>
    [JsonPropertyName("truth")]
    public required string Truth { get; init; }

    /// <summary>Gets the nominal coverage of the intervals (0.95).</summary>
    [JsonPropertyName("confidence")]
    public required double Confidence { get; init; }

    /// <summary>Gets one entry per λ and seed: what the logging router achieved and how its propensities spread.</summary>
    [JsonPropertyName("logs")]
    public required IReadOnlyList<OffPolicyLogResult> Logs { get; init; }

    /// <summary>Gets one entry per candidate × λ × seed × estimator.</summary>
    [JsonPropertyName("cells")]
    public required IReadOnlyList<OffPolicyCellResult> Cells { get; init; }

    /// <summary>Gets per estimator, over all candidates, λ and seeds: how often the interval covered the truth and how wide it was.</summary>
    [JsonPropertyName("summary")]
    public required IReadOnlyList<OffPolicySummaryResult> Summary { get; init; }

    /// <summary>Gets the same per estimator and candidate.</summary>
    [JsonPropertyName("summaryByCandidate")]
    public required IReadOnlyList<OffPolicySummaryResult> SummaryByCandidate { get; init; }
}

/// <summary>One log: the logging router's replay of the test queries at one λ and seed.</summary>
internal sealed record OffPolicyLogResult
{
    [JsonPropertyName("lambda")]
    public required double Lambda { get; init; }

    [JsonPropertyName("seed")]
    public required int Seed { get; init; }

    [JsonPropertyName("decisions")]
    public required int Decisions { get; init; }

    /// <summary>Gets the logging router's own mean score.</summary>
    [JsonPropertyName("accuracy")]
    public required double Accuracy { get; init; }

    [JsonPropertyName("costPerQuery")]
    public required double CostPerQuery { get; init; }

    [JsonPropertyName("meanNormalizedCost")]
    public required double MeanNormalizedCost { get; init; }

    [JsonPropertyName("meanReward")]
    public required double MeanReward { get; init; }

    /// <summary>Gets the smallest logged propensity.</summary>
    [JsonPropertyName("minPropensity")]
    public required double MinPropensity { get; init; }

    /// <summary>Gets the share of decisions that were the greedy choice (propensity above ε's share).</summary>
    [JsonPropertyName("greedyShare")]
    public required double GreedyShare { get; init; }
}

/// <summary>One candidate × λ × seed × estimator.</summary>
internal sealed record OffPolicyCellResult
{
    [JsonPropertyName("candidate")]
    public required string Candidate { get; init; }

    [JsonPropertyName("lambda")]
    public required double Lambda { get; init; }

    [JsonPropertyName("seed")]
    public required int Seed { get; init; }

    /// <summary>Gets <c>ips</c>, <c>snips</c> or <c>dr</c>.</summary>
    [JsonPropertyName("estimator")]
    public required string Estimator { get; init; }

    /// <summary>Gets the effective sample size of the importance weights (of <c>decisions</c>).</summary>
    [JsonPropertyName("effectiveSampleSize")]
    public required double EffectiveSampleSize { get; init; }

    /// <summary>Gets the share of logged decisions where the logged arm is the candidate's choice (weighted by the candidate's probability).</summary>
    [JsonPropertyName("agreement")]
    public required double Agreement { get; init; }

    [JsonPropertyName("score")]
    public required OffPolicyQuantityResult Score { get; init; }

    /// <summary>Gets the mean normalised cost (the reward's cost term before λ).</summary>
    [JsonPropertyName("normalizedCost")]
    public required OffPolicyQuantityResult NormalizedCost { get; init; }

    /// <summary>Gets the mean reward score − λ·normalisedCost.</summary>
    [JsonPropertyName("reward")]
    public required OffPolicyQuantityResult Reward { get; init; }

    /// <summary>Gets what the evaluator said limits the estimate (OffPolicyEstimate.Warnings).</summary>
    [JsonPropertyName("warnings")]
    public required IReadOnlyList<string> Warnings { get; init; }
}

/// <summary>One estimated quantity with its 95% interval and the candidate's replayed value.</summary>
internal sealed record OffPolicyQuantityResult
{
    /// <summary>Gets the estimate; null when undefined (SNIPS when the candidate agrees with no logged choice).</summary>
    [JsonPropertyName("estimate")]
    public required double? Estimate { get; init; }

    [JsonPropertyName("standardError")]
    public required double? StandardError { get; init; }

    [JsonPropertyName("lower")]
    public required double? Lower { get; init; }

    [JsonPropertyName("upper")]
    public required double? Upper { get; init; }

    /// <summary>Gets upper − lower.</summary>
    [JsonPropertyName("width")]
    public required double? Width { get; init; }

    /// <summary>Gets the candidate's mean over the same queries in its own offline replay.</summary>
    [JsonPropertyName("truth")]
    public required double Truth { get; init; }

    /// <summary>Gets whether the interval contains the truth (false when it is undefined).</summary>
    [JsonPropertyName("covered")]
    public required bool Covered { get; init; }
}

/// <summary>Coverage and width of one estimator's intervals over a set of cells.</summary>
internal sealed record OffPolicySummaryResult
{
    [JsonPropertyName("estimator")]
    public required string Estimator { get; init; }

    /// <summary>Gets the candidate, or null for all of them.</summary>
    [JsonPropertyName("candidate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Candidate { get; init; }

    [JsonPropertyName("cells")]
    public required int Cells { get; init; }

    [JsonPropertyName("scoreCoverage")]
    public required double ScoreCoverage { get; init; }

    [JsonPropertyName("normalizedCostCoverage")]
    public required double NormalizedCostCoverage { get; init; }

    [JsonPropertyName("rewardCoverage")]
    public required double RewardCoverage { get; init; }

    /// <summary>Gets the mean interval width of the score (over the cells where it is defined).</summary>
    [JsonPropertyName("meanScoreWidth")]
    public required double? MeanScoreWidth { get; init; }

    [JsonPropertyName("meanNormalizedCostWidth")]
    public required double? MeanNormalizedCostWidth { get; init; }

    [JsonPropertyName("meanRewardWidth")]
    public required double? MeanRewardWidth { get; init; }

    /// <summary>Gets the mean absolute error of the score estimate against the truth.</summary>
    [JsonPropertyName("meanAbsoluteScoreError")]
    public required double? MeanAbsoluteScoreError { get; init; }

    [JsonPropertyName("meanEffectiveSampleSize")]
    public required double MeanEffectiveSampleSize { get; init; }
}
