namespace MetaLlm;

/// <summary>
/// A contextual bandit policy: it learns, per arm, what the score of an answer and its tokens will be for a request's
/// feature vector, and chooses among eligible arms once the router has turned those estimates into rewards.
/// </summary>
/// <remarks>
/// <para>
/// A decision has two steps so that every trade-off weight applies at decision time: <see cref="Estimate"/> predicts
/// each arm's score, uncertainty and tokens; the router prices the tokens at the arms' current prices and writes λ
/// times the normalised cost into <see cref="ArmEstimate.CostTerm"/>; <see cref="Choose"/> then picks an arm by the
/// policy's rule on <see cref="ArmEstimate.PredictedReward"/> and <see cref="ArmEstimate.Uncertainty"/>. Learning
/// takes what was observed (<see cref="ArmObservation"/>), never a reward mixed with a particular λ.
/// </para>
/// <para>
/// Implementations must be thread-safe: a router estimates, chooses and updates from many requests at once. They
/// must not perform I/O, and every random choice must come from an injected, seedable source.
/// </para>
/// </remarks>
public interface IRoutingPolicy
{
    /// <summary>Gets the policy's name, as reported in decisions and telemetry (for example <c>linucb</c>).</summary>
    string Name { get; }

    /// <summary>Gets the number of arms the policy chooses among.</summary>
    int ArmCount { get; }

    /// <summary>Gets the number of features the policy expects in a context vector.</summary>
    int Dimension { get; }

    /// <summary>Predicts every arm's score, its uncertainty and the tokens it would bill, for a context.</summary>
    /// <param name="context">The request's feature vector, of length <see cref="Dimension"/>.</param>
    /// <param name="estimatedInputTokens">The router's estimate of the request's input tokens (<see cref="InputTokenEstimate"/>).</param>
    /// <param name="estimates">Receives one estimate per arm, with <see cref="ArmEstimate.CostTerm"/> zero; of length <see cref="ArmCount"/>.</param>
    void Estimate(ReadOnlySpan<float> context, double estimatedInputTokens, Span<ArmEstimate> estimates);

    /// <summary>Chooses one of the eligible arms from estimates whose cost terms the router has filled.</summary>
    /// <param name="estimates">One estimate per arm.</param>
    /// <param name="eligible">Which arms may be chosen, one flag per arm, or empty for all; at least one must be.</param>
    /// <returns>The chosen arm and the probability, among the eligible arms, with which it was chosen.</returns>
    PolicyDecision Choose(ReadOnlySpan<ArmEstimate> estimates, ReadOnlySpan<bool> eligible);

    /// <summary>Learns what was observed after choosing <paramref name="arm"/> for <paramref name="context"/>.</summary>
    /// <param name="arm">The index of the arm that answered.</param>
    /// <param name="context">The feature vector the decision was made on.</param>
    /// <param name="observation">The answer's score and billed tokens.</param>
    void Update(int arm, ReadOnlySpan<float> context, ArmObservation observation);

    /// <summary>Learns from full-information examples, where every arm's outcome is known (the paper's offline initialisation).</summary>
    /// <param name="contexts">The examples' feature vectors, row-major: <paramref name="count"/> × <see cref="Dimension"/>.</param>
    /// <param name="observations">Every arm's outcome on every example, row-major: <paramref name="count"/> × <see cref="ArmCount"/>.</param>
    /// <param name="count">The number of examples.</param>
    void Fit(ReadOnlySpan<float> contexts, ReadOnlySpan<ArmObservation> observations, int count);

    /// <summary>Copies what every arm has learned into plain values, in arm order.</summary>
    /// <returns>One value per arm.</returns>
    IReadOnlyList<ArmStatistics> ExportStatistics();

    /// <summary>Replaces what every arm has learned; all or nothing: on an exception nothing changes.</summary>
    /// <param name="statistics">One value per arm, in arm order.</param>
    /// <exception cref="ArgumentException">The values do not fit the policy or are invalid.</exception>
    void ImportStatistics(IReadOnlyList<ArmStatistics> statistics);
}
