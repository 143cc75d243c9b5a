using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>Selects an arm for a request: featurizes it, checks the features, and asks the policy to decide.</summary>
internal sealed class ArmSelector
{
    private readonly int _armCount;

    public ArmSelector(IRequestFeaturizer featurizer, IRoutingPolicy policy, int armCount)
    {
        Featurizer = featurizer;
        Policy = policy;
        _armCount = armCount;
    }

    public IRequestFeaturizer Featurizer { get; }

    public IRoutingPolicy Policy { get; }

    /// <summary>Featurizes a request and decides; estimates are kept only when asked for.</summary>
    public async ValueTask<ArmSelection> SelectAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, bool keepEstimates, CancellationToken cancellationToken)
    {
        var context = new float[Featurizer.Dimension];
        await FeaturizeAsync(messages, options, context, "The request", cancellationToken).ConfigureAwait(false);
        if (keepEstimates)
        {
            var estimates = new ArmEstimate[_armCount];
            var decision = Decide(context, estimates);
            return new ArmSelection(context, decision.Arm, decision.Propensity, estimates);
        }

        var chosen = DecideWithoutEstimates(context);
        return new ArmSelection(context, chosen.Arm, chosen.Propensity, null);
    }

    /// <summary>Writes a request's features into <paramref name="context"/> and checks they are finite.</summary>
    public async ValueTask FeaturizeAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, float[] context, string what, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            throw new ArgumentException($"{what} has no messages; there is nothing to route.", nameof(messages));
        }

        await Featurizer.FeaturizeAsync(messages, options, context, cancellationToken).ConfigureAwait(false);
        foreach (float value in context)
        {
            if (!float.IsFinite(value))
            {
                throw new InvalidOperationException($"The featurizer '{Featurizer.Name}' produced a non-finite feature.");
            }
        }
    }

    private PolicyDecision DecideWithoutEstimates(float[] context)
    {
        Span<ArmEstimate> estimates = _armCount <= 64 ? stackalloc ArmEstimate[_armCount] : new ArmEstimate[_armCount];
        return Decide(context, estimates);
    }

    private PolicyDecision Decide(float[] context, Span<ArmEstimate> estimates)
    {
        var decision = Policy.Decide(context, estimates);
        if ((uint)decision.Arm >= (uint)_armCount)
        {
            throw new InvalidOperationException($"The policy '{Policy.Name}' chose arm {decision.Arm}, but the router has {_armCount} arms.");
        }

        return decision;
    }
}
