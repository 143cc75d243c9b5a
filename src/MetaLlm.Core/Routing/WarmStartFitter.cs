using Microsoft.Extensions.Logging;

namespace MetaLlm;

/// <summary>
/// Fits the policy on full-information examples (the MetaLLM paper's initialisation). Every example is checked and
/// featurized before the policy sees any of them, so a bad example changes nothing.
/// </summary>
internal sealed class WarmStartFitter
{
    private readonly IReadOnlyList<RouterArm> _arms;
    private readonly ArmSelector _selector;
    private readonly RewardFunction _reward;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    public WarmStartFitter(IReadOnlyList<RouterArm> arms, ArmSelector selector, RewardFunction reward, TimeProvider timeProvider, ILogger logger)
    {
        _arms = arms;
        _selector = selector;
        _reward = reward;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task<WarmStartResult> FitAsync(IEnumerable<WarmStartExample> examples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(examples);
        long started = _timeProvider.GetTimestamp();
        int d = _selector.Featurizer.Dimension;
        int k = _arms.Count;
        var contexts = new List<float>();
        var observations = new List<ArmObservation>();
        var context = new float[d];
        var row = new ArmObservation[k];
        int count = 0;
        foreach (var example in examples)
        {
            if (example is null)
            {
                throw new ArgumentException($"Warm-start example {count} is null.", nameof(examples));
            }

            double inputTokens = InputTokenEstimate.FromRequest(example.Messages);
            for (int arm = 0; arm < k; arm++)
            {
                if (!example.Outcomes.TryGetValue(_arms[arm].Name, out var outcome))
                {
                    throw new ArgumentException($"Warm-start example {count} has no outcome for arm '{_arms[arm].Name}'; every arm's outcome is needed.", nameof(examples));
                }

                row[arm] = new ArmObservation(outcome.Score, ToTokens(_arms[arm], outcome, $"Warm-start example {count}", nameof(examples)), inputTokens);
            }

            if (example.Outcomes.Count != k)
            {
                var unknown = example.Outcomes.Keys.FirstOrDefault(name => !_arms.Any(a => a.Name == name));
                throw new ArgumentException($"Warm-start example {count} has an outcome for '{unknown}', which is not an arm of this router.", nameof(examples));
            }

            await _selector.FeaturizeAsync(example.Messages, null, context, $"Warm-start example {count}", cancellationToken).ConfigureAwait(false);
            contexts.AddRange(context);
            observations.AddRange(row);
            count++;
        }

        var policy = _selector.Policy;
        RidgePenaltySelectionResult? selection = null;
        var penalties = new Dictionary<string, double>(StringComparer.Ordinal);
        if (policy is LinearBanditPolicy linear)
        {
            selection = linear.FitWithPenaltySelection(contexts.ToArray(), observations.ToArray(), count);
            for (int arm = 0; arm < k; arm++)
            {
                penalties[_arms[arm].Name] = linear.GetRegularization(arm);
            }
        }
        else
        {
            policy.Fit(contexts.ToArray(), observations.ToArray(), count);
        }

        var elapsed = _timeProvider.GetElapsedTime(started);
        if (selection is null)
        {
            Log.WarmStarted(_logger, count);
        }
        else
        {
            Log.WarmStartedWithPenalties(_logger, count, selection.Selection, selection.Penalties.Min(), selection.Penalties.Max(), selection.ConfiguredPenalty, selection.ExampleCount);
        }

        return new WarmStartResult(count, penalties, selection, elapsed);
    }

    /// <summary>Checks an outcome and computes its cost and reward at the current λ; the message of a bad one starts with <paramref name="what"/>.</summary>
    public ArmReward Evaluate(RouterArm arm, ArmOutcome outcome, string what, string paramName) =>
        _reward.Evaluate(arm, outcome.Score, ToTokens(arm, outcome, what, paramName));

    /// <summary>
    /// Checks an outcome and returns the tokens it billed. A cost given only in dollars is expressed as the output
    /// tokens that cost it at the arm's output price, so it is learned, priced and normalised like any answer.
    /// </summary>
    private static BilledTokens ToTokens(RouterArm arm, ArmOutcome outcome, string what, string paramName)
    {
        if (!double.IsFinite(outcome.Score) || outcome.Score < 0 || outcome.Score > 1)
        {
            throw new ArgumentException($"{what} gives arm '{arm.Name}' the score {outcome.Score}; scores must be between 0 and 1.", paramName);
        }

        if (outcome.Usage is { } usage)
        {
            try
            {
                return BilledTokens.FromUsage(usage)
                    ?? throw new ArgumentException($"{what} gives arm '{arm.Name}' usage without any token count; the router never counts a model as free.", paramName);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new ArgumentException($"{what} gives arm '{arm.Name}' invalid usage: {ex.Message}", paramName, ex);
            }
        }

        if (outcome.CostUsd is { } cost)
        {
            if (cost < 0)
            {
                throw new ArgumentException($"{what} gives arm '{arm.Name}' the negative cost {cost}.", paramName);
            }

            decimal price = arm.Pricing.OutputPerMillionTokens;
            if (price == 0)
            {
                return cost == 0
                    ? default
                    : throw new ArgumentException($"{what} gives arm '{arm.Name}' a cost of ${cost}, but its output price is zero, so the cost cannot be expressed in its tokens; give the usage instead.", paramName);
            }

            return BilledTokens.Uncached(0, (long)Math.Round(cost * 1_000_000m / price, MidpointRounding.AwayFromZero));
        }

        throw new ArgumentException($"{what} gives arm '{arm.Name}' neither usage nor cost; the router never counts a model as free.", paramName);
    }
}
