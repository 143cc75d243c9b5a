namespace MetaLlm;

/// <summary>
/// A contextual bandit policy: given a request's feature vector, chooses one of <see cref="ArmCount"/> arms and
/// learns from the reward of the arm it chose.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe: a router calls <see cref="Decide"/> and <see cref="Update"/> from many
/// requests at once. They must not perform I/O, and every random choice must come from an injected, seedable source.
/// </remarks>
public interface IRoutingPolicy
{
    /// <summary>Gets the policy's name, as reported in decisions and telemetry (for example <c>linucb</c>).</summary>
    string Name { get; }

    /// <summary>Gets the number of arms the policy chooses among.</summary>
    int ArmCount { get; }

    /// <summary>Gets the number of features the policy expects in a context vector.</summary>
    int Dimension { get; }

    /// <summary>Chooses an arm for a context.</summary>
    /// <param name="context">The request's feature vector, of length <see cref="Dimension"/>.</param>
    /// <param name="estimates">Receives each arm's predicted reward and uncertainty; of length <see cref="ArmCount"/>.</param>
    /// <returns>The chosen arm and the probability with which it was chosen.</returns>
    PolicyDecision Decide(ReadOnlySpan<float> context, Span<ArmEstimate> estimates);

    /// <summary>Learns from the reward observed after choosing <paramref name="arm"/> for <paramref name="context"/>.</summary>
    /// <param name="arm">The index of the arm that was chosen.</param>
    /// <param name="context">The feature vector the decision was made on.</param>
    /// <param name="reward">The observed reward; finite.</param>
    void Update(int arm, ReadOnlySpan<float> context, double reward);

    /// <summary>
    /// Learns from full-information examples, where every arm's reward is known (the paper's offline initialisation).
    /// </summary>
    /// <param name="contexts">The examples' feature vectors, row-major: <paramref name="count"/> × <see cref="Dimension"/>.</param>
    /// <param name="rewards">Every arm's reward on every example, row-major: <paramref name="count"/> × <see cref="ArmCount"/>.</param>
    /// <param name="count">The number of examples.</param>
    void Fit(ReadOnlySpan<float> contexts, ReadOnlySpan<double> rewards, int count);
}
