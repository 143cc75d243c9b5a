using Microsoft.Extensions.Logging;

namespace MetaLlm;

// Logs carry arm names, ids and numbers only: never prompt or response text.
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Routed decision {DecisionId} to arm {ArmName} with propensity {Propensity}.")]
    public static partial void Routed(ILogger logger, string decisionId, string armName, double propensity);

    [LoggerMessage(2, LogLevel.Debug, "Recorded feedback for decision {DecisionId} on arm {ArmName}: score {Score}, cost {CostUsd} USD, reward {Reward}.")]
    public static partial void FeedbackRecorded(ILogger logger, string decisionId, string armName, double score, decimal costUsd, double reward);

    [LoggerMessage(3, LogLevel.Warning, "Arm {ArmName} failed for decision {DecisionId}; the decision was discarded.")]
    public static partial void ArmFailed(ILogger logger, Exception exception, string armName, string decisionId);

    [LoggerMessage(4, LogLevel.Information, "Warm-started the router on {Count} examples.")]
    public static partial void WarmStarted(ILogger logger, int count);
}
