namespace MetaLlm.WebApi.Arms;

/// <summary>Logs, once the router is built, which arms it routes among and where its learned state is kept.</summary>
internal static partial class StartupReport
{
    public static void Write(ILogger logger, MetaLlmRouter router, IReadOnlyList<ActiveArm> arms, string? statePath)
    {
        LogRouting(logger, router.Arms.Count, router.Policy.Name, router.CostWeight);
        foreach (var arm in router.Arms)
        {
            var active = arms.FirstOrDefault(a => string.Equals(a.Name, arm.Name, StringComparison.Ordinal));
            LogArm(logger, arm.Name, active?.Source ?? "custom", arm.ModelId ?? "(client default)", arm.Pricing.InputPerMillionTokens, arm.Pricing.OutputPerMillionTokens, active?.Note ?? string.Empty);
        }

        if (arms.All(a => a.Source == "fake"))
        {
            LogFakesOnly(logger);
        }

        if (statePath is null)
        {
            LogNoState(logger);
        }
        else
        {
            LogState(logger, Path.GetFullPath(statePath), router.CreateSnapshot().FeedbackCount);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Routing among {ArmCount} arms with {Policy}, λ = {CostWeight}:")]
    private static partial void LogRouting(ILogger logger, int armCount, string policy, double costWeight);

    [LoggerMessage(2, LogLevel.Information, "  arm {Arm} ({Source}, model {ModelId}, ${InputPrice}/${OutputPrice} per million input/output tokens): {Note}")]
    private static partial void LogArm(ILogger logger, string arm, string source, string modelId, decimal inputPrice, decimal outputPrice, string note);

    [LoggerMessage(3, LogLevel.Information, "No provider has credentials (OPENAI_API_KEY, ANTHROPIC_API_KEY, AWS_BEARER_TOKEN_BEDROCK, AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, AWS_PROFILE), or Arms:RealProviders is false: routing among the fake models.")]
    private static partial void LogFakesOnly(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "What the router learns is kept in memory only; pass --state PATH to keep it across restarts.")]
    private static partial void LogNoState(ILogger logger);

    [LoggerMessage(5, LogLevel.Information, "What the router learns is kept in {Path} ({FeedbackCount} feedbacks learned so far).")]
    private static partial void LogState(ILogger logger, string path, long feedbackCount);
}
