namespace MetaLlm.Replay.Experiments;

/// <summary>
/// A routing policy that decides exactly like the one it wraps and never learns: <see cref="Update"/> does nothing.
/// The off-policy mode's logging router serves through it, so feedback is recorded (and the decision logged) while
/// the policy stays the stationary one the logged propensities describe.
/// </summary>
internal sealed class FrozenPolicy(IRoutingPolicy inner) : IRoutingPolicy
{
    public string Name => inner.Name;

    public int ArmCount => inner.ArmCount;

    public int Dimension => inner.Dimension;

    public void Estimate(ReadOnlySpan<float> context, double estimatedInputTokens, Span<ArmEstimate> estimates) =>
        inner.Estimate(context, estimatedInputTokens, estimates);

    public PolicyDecision Choose(ReadOnlySpan<ArmEstimate> estimates, ReadOnlySpan<bool> eligible) => inner.Choose(estimates, eligible);

    /// <summary>Does nothing: the policy is frozen.</summary>
    public void Update(int arm, ReadOnlySpan<float> context, ArmObservation observation)
    {
    }

    public void Fit(ReadOnlySpan<float> contexts, ReadOnlySpan<ArmObservation> observations, int count) =>
        throw new InvalidOperationException("A frozen policy does not learn; fit the policy it wraps before freezing it.");

    public IReadOnlyList<ArmStatistics> ExportStatistics() => inner.ExportStatistics();

    public void ImportStatistics(IReadOnlyList<ArmStatistics> statistics) => inner.ImportStatistics(statistics);
}
