using Microsoft.Extensions.Logging;

namespace MetaLlm;

// Logs carry arm names, ids, numbers and exception types only: never prompt or response text, nor exception
// messages, which some providers fill with parts of the request. The arm-failure logs attach the exception, message
// included, only when MetaLlmRouterOptions.IncludeExceptionMessagesInLogs says so (they take null otherwise).
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Routed decision {DecisionId} to arm {ArmName} with propensity {Propensity}.")]
    public static partial void Routed(ILogger logger, string decisionId, string armName, double propensity);

    [LoggerMessage(2, LogLevel.Debug, "Recorded feedback for decision {DecisionId} on arm {ArmName}: score {Score}, cost {CostUsd} USD, reward {Reward}.")]
    public static partial void FeedbackRecorded(ILogger logger, string decisionId, string armName, double score, decimal costUsd, double reward);

    [LoggerMessage(3, LogLevel.Warning, "Arm {ArmName} failed for decision {DecisionId} with {ExceptionType} ({ErrorKind}); nothing will be learned from it.")]
    public static partial void ArmFailed(ILogger logger, Exception? exception, string armName, string decisionId, string exceptionType, string errorKind);

    [LoggerMessage(4, LogLevel.Information, "Warm-started the router on {Count} examples.")]
    public static partial void WarmStarted(ILogger logger, int count);

    [LoggerMessage(16, LogLevel.Warning, "The shadow policy {PolicyName} failed with {ExceptionType}; the request is served without its choice.")]
    public static partial void ShadowPolicyFailed(ILogger logger, string policyName, string exceptionType);

    [LoggerMessage(15, LogLevel.Information, "Warm-started the router on {Count} examples; ridge penalties chosen {Selection} by leave-one-out on {ValidationCount} of them: {LowestPenalty:G3} to {HighestPenalty:G3} (configured {ConfiguredPenalty:G3}).")]
    public static partial void WarmStartedWithPenalties(ILogger logger, int count, RidgePenaltySelection selection, double lowestPenalty, double highestPenalty, double configuredPenalty, int validationCount);

    [LoggerMessage(5, LogLevel.Debug, "The caller cancelled decision {DecisionId} on arm {ArmName}.")]
    public static partial void Cancelled(ILogger logger, string decisionId, string armName);

    [LoggerMessage(6, LogLevel.Warning, "Arm {ArmName} reported usage the router cannot price for decision {DecisionId}: {Problem} The answer is returned without a cost; feedback must pass the usage.")]
    public static partial void UsageNotPriced(ILogger logger, string armName, string decisionId, string problem);

    [LoggerMessage(7, LogLevel.Information, "Restored the router's learned state: {Restored} arms from the snapshot, {Fresh} starting fresh, {SetAside} set aside.")]
    public static partial void SnapshotRestored(ILogger logger, int restored, int fresh, int setAside);

    [LoggerMessage(8, LogLevel.Information, "Arm {ArmName} is not in the snapshot and starts fresh.")]
    public static partial void ArmStartsFresh(ILogger logger, string armName);

    [LoggerMessage(9, LogLevel.Information, "Arm {ArmName} is in the snapshot but not in the router; its statistics are kept aside for its return.")]
    public static partial void ArmSetAside(ILogger logger, string armName);

    [LoggerMessage(12, LogLevel.Warning, "Arm {ArmName} failed for decision {DecisionId} with {ExceptionType} ({ErrorKind}); the request goes to arm {NextArm}.")]
    public static partial void FailedOver(ILogger logger, Exception? exception, string decisionId, string armName, string exceptionType, string errorKind, string nextArm);

    [LoggerMessage(13, LogLevel.Warning, "The circuit breaker of arm {ArmName} is now {State}.")]
    public static partial void BreakerChanged(ILogger logger, string armName, CircuitState state);

    [LoggerMessage(14, LogLevel.Warning, "The decision log {LogType} failed with {ExceptionType} to append decision {DecisionId}; the feedback was learned, but the decision is missing from the log.")]
    public static partial void DecisionLogFailed(ILogger logger, string logType, string decisionId, string exceptionType);
}
