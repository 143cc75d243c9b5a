namespace MetaLlm;

/// <summary>The scalar sums an arm learns beside its ridge models: the score's moments and the billed tokens.</summary>
internal readonly record struct ArmScalarSums(
    double ScoreSum,
    double ScoreSquares,
    double InputTokens,
    double EstimatedInputTokens,
    double CachedInputTokens,
    double CacheWriteTokens,
    double LongCacheWriteTokens,
    double OutputTokens)
{
    public static ArmScalarSums From(ArmStatistics statistics) => new(
        statistics.ScoreSum,
        statistics.ScoreSquares,
        statistics.InputTokens,
        statistics.EstimatedInputTokens,
        statistics.CachedInputTokens,
        statistics.CacheWriteTokens,
        statistics.LongCacheWriteTokens,
        statistics.OutputTokens);

    public static ArmScalarSums Of(in ArmObservation observation) => new(
        observation.Score,
        observation.Score * observation.Score,
        observation.Tokens.TotalInput,
        observation.EstimatedInputTokens,
        observation.Tokens.CachedInput,
        observation.Tokens.CacheWrite,
        observation.Tokens.LongCacheWrite,
        observation.Tokens.Output);

    public ArmScalarSums Add(in ArmObservation observation) => Add(Of(observation));

    public ArmScalarSums Add(ArmScalarSums other) => new(
        ScoreSum + other.ScoreSum,
        ScoreSquares + other.ScoreSquares,
        InputTokens + other.InputTokens,
        EstimatedInputTokens + other.EstimatedInputTokens,
        CachedInputTokens + other.CachedInputTokens,
        CacheWriteTokens + other.CacheWriteTokens,
        LongCacheWriteTokens + other.LongCacheWriteTokens,
        OutputTokens + other.OutputTokens);

    public void CopyTo(ArmStatistics destination)
    {
        destination.ScoreSum = ScoreSum;
        destination.ScoreSquares = ScoreSquares;
        destination.InputTokens = InputTokens;
        destination.EstimatedInputTokens = EstimatedInputTokens;
        destination.CachedInputTokens = CachedInputTokens;
        destination.CacheWriteTokens = CacheWriteTokens;
        destination.LongCacheWriteTokens = LongCacheWriteTokens;
        destination.OutputTokens = OutputTokens;
    }

    /// <summary>
    /// Predicts the tokens the arm will bill for a request: its learned ratio of billed to estimated input (1 before
    /// any evidence: <paramref name="priorTokens"/> tokens of pseudo-evidence), its cached and cache-write shares of
    /// the input, and the output the ridge model predicts (never below zero).
    /// </summary>
    public PredictedTokens Predict(double estimatedInputTokens, double predictedOutputTokens, double priorTokens)
    {
        double input = estimatedInputTokens * (InputTokens + priorTokens) / (EstimatedInputTokens + priorTokens);
        double billed = InputTokens + priorTokens;
        double cached = input * (CachedInputTokens / billed);
        double write = input * (CacheWriteTokens / billed);
        double longWrite = input * (LongCacheWriteTokens / billed);
        return new PredictedTokens(Math.Max(0, input - cached - write - longWrite), cached, write, longWrite, Math.Max(0, predictedOutputTokens));
    }
}
