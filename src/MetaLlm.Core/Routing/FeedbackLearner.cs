using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace MetaLlm;

/// <summary>
/// Turns feedback on a decision into the reward the policy learns from. Everything is checked before anything is
/// learned: on an exception the decision stays as it was.
/// </summary>
internal sealed class FeedbackLearner
{
    private readonly IReadOnlyList<RouterArm> _arms;
    private readonly DecisionLedger _ledger;
    private readonly IRoutingPolicy _policy;
    private readonly RewardFunction _reward;
    private readonly RouterTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly IDecisionLog? _decisionLog;
    private readonly IReadOnlyList<string> _armNames;
    private long _feedbackCount;

    public FeedbackLearner(IReadOnlyList<RouterArm> arms, DecisionLedger ledger, IRoutingPolicy policy, RewardFunction reward, RouterTelemetry telemetry, ILogger logger, IDecisionLog? decisionLog = null)
    {
        _decisionLog = decisionLog;
        _armNames = Array.AsReadOnly(arms.Select(a => a.Name).ToArray());
        _arms = arms;
        _ledger = ledger;
        _policy = policy;
        _reward = reward;
        _telemetry = telemetry;
        _logger = logger;
    }

    /// <summary>Gets the number of feedbacks learned from, counting those of a restored snapshot.</summary>
    public long FeedbackCount => Interlocked.Read(ref _feedbackCount);

    /// <summary>Sets the count to a restored snapshot's.</summary>
    public void RestoreCount(long feedback) => Interlocked.Exchange(ref _feedbackCount, feedback);

    public RecordedFeedback Record(string decisionId, double score, UsageDetails? usage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(decisionId);
        if (!double.IsFinite(score) || score < 0 || score > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "The score must be a number between 0 and 1.");
        }

        var decision = _ledger.Find(decisionId, out bool expired)
            ?? throw new ArgumentException(
                expired
                    ? $"Decision '{decisionId}' expired: feedback must arrive within {_ledger.Lifetime}."
                    : $"Decision '{decisionId}' is unknown: it was not made by this router, or it was dropped because more than {_ledger.Capacity} decisions were waiting.",
                nameof(decisionId));

        var arm = _arms[decision.Arm];
        var (state, reportedTokens, usageProblem) = decision.Read();
        ThrowIfNotLearnable(decision.Id, state, arm);
        BilledTokens tokens;
        if (usage is not null)
        {
            tokens = BilledTokens.FromUsage(usage)
                ?? throw new ArgumentException("The usage reports no token count, so the answer's cost is unknown; the router never counts an answer as free.", nameof(usage));
        }
        else if (reportedTokens is { } reported)
        {
            tokens = reported;
        }
        else
        {
            throw new InvalidOperationException(usageProblem is { } problem
                ? $"The cost of decision '{decisionId}' is unknown: arm '{arm.Name}' {problem.TrimEnd('.')}; pass the usage to {nameof(MetaLlmRouter.RecordFeedback)}."
                : $"The cost of decision '{decisionId}' is unknown because arm '{arm.Name}' reported no usage; pass the usage to {nameof(MetaLlmRouter.RecordFeedback)}.");
        }

        var reward = _reward.Evaluate(arm, score, tokens);
        var context = decision.TryConsume();
        if (context is null)
        {
            ThrowIfNotLearnable(decision.Id, decision.Read().State, arm);
            throw new InvalidOperationException($"Decision '{decisionId}' cannot be learned from now.");
        }

        _policy.Update(decision.Arm, context, new ArmObservation(score, tokens, decision.EstimatedInputTokens));
        Interlocked.Increment(ref _feedbackCount);
        Log.FeedbackRecorded(_logger, decisionId, arm.Name, score, reward.CostUsd, reward.Reward);
        _telemetry.Rewarded(decision.Arm, reward.Reward);
        if (_decisionLog is { } log)
        {
            Append(log, decision, context, score, reward);
        }

        return new RecordedFeedback(decisionId, arm.Name, score, reward.CostUsd, reward.NormalizedCost, reward.Reward);
    }

    // The policy has learned by now: a sink that fails costs the log one decision, never the feedback.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "A decision log is the application's code; whatever it throws must not fail feedback that was already learned.")]
    private void Append(IDecisionLog log, PendingDecision decision, float[] context, double score, ArmReward reward)
    {
        try
        {
            log.Append(new LoggedDecision
            {
                DecisionId = decision.Id,
                Timestamp = decision.DecidedAt,
                PolicyName = _policy.Name,
                ArmNames = _armNames,
                Features = context,
                EstimatedInputTokens = decision.EstimatedInputTokens,
                Eligible = decision.Eligible,
                ArmIndex = decision.ChosenArm,
                Propensity = decision.Propensity,
                ShadowArmIndex = decision.Shadow?.Arm,
                ShadowPropensity = decision.Shadow?.Propensity,
                AnsweredArmIndex = decision.Arm,
                Score = score,
                NormalizedCost = reward.NormalizedCost,
                CostUsd = reward.CostUsd,
                CostWeight = decision.CostWeight,
            });
        }
        catch (Exception ex)
        {
            Log.DecisionLogFailed(_logger, log.GetType().Name, decision.Id, ex.GetType().FullName ?? ex.GetType().Name);
        }
    }

    private static void ThrowIfNotLearnable(string id, PendingDecisionState state, RouterArm arm)
    {
        switch (state)
        {
            case PendingDecisionState.Learned:
                throw new InvalidOperationException($"Decision '{id}' already has feedback; each decision is learned from once.");
            case PendingDecisionState.AwaitingAnswer:
                throw new InvalidOperationException($"Decision '{id}' is still waiting for its answer from arm '{arm.Name}'; give feedback once the response (or the whole stream) has completed.");
            case PendingDecisionState.ArmFailed:
                throw new InvalidOperationException($"Decision '{id}' has no answer to learn from: its arm '{arm.Name}' failed.");
            case PendingDecisionState.Cancelled:
                throw new InvalidOperationException($"Decision '{id}' has no answer to learn from: the request was cancelled before arm '{arm.Name}' answered.");
        }
    }
}
