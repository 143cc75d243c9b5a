namespace MetaLlm;

/// <summary>
/// One routing decision with its outcome, as a <see cref="IDecisionLog"/> receives it when feedback is recorded: the
/// context vector, which arms could be chosen, which one the policy chose and with what probability, and the score and
/// cost that came back. It holds no prompt or response text.
/// </summary>
/// <remarks>
/// A log of these is what <see cref="OffPolicyEvaluator"/> estimates a candidate policy's value from. Every decision
/// names all the router's arms (<see cref="ArmNames"/>), so a log is self-describing and a decision made under another
/// arm set is recognised. The evaluator checks every value; this class does not, so synthetic logs are easy to build.
/// </remarks>
public sealed class LoggedDecision
{
    private readonly int? _answeredArmIndex;

    /// <summary>Gets the decision's id, as the router reported it.</summary>
    public required string DecisionId { get; init; }

    /// <summary>Gets when the decision was made.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the name of the policy that made the decision (for example <c>epsilon-greedy</c>).</summary>
    public required string PolicyName { get; init; }

    /// <summary>Gets the names of the router's arms, in the order the policy numbers them.</summary>
    public required IReadOnlyList<string> ArmNames { get; init; }

    /// <summary>Gets the context vector the decision was made on, as the router's featurizer wrote it.</summary>
    public required ReadOnlyMemory<float> Features { get; init; }

    /// <summary>Gets the router's estimate of the request's input tokens (<see cref="InputTokenEstimate"/>), which a policy's token predictions depend on.</summary>
    public double EstimatedInputTokens { get; init; }

    /// <summary>Gets which arms could be chosen, one flag per arm, or empty when every arm could.</summary>
    public ReadOnlyMemory<bool> Eligible { get; init; }

    /// <summary>Gets the index of the arm the logging policy chose.</summary>
    public required int ArmIndex { get; init; }

    /// <summary>
    /// Gets the probability, in (0, 1], with which the logging policy chose <see cref="ArmIndex"/> among the eligible
    /// arms. A deterministic policy (greedy LinUCB) logs 1.
    /// </summary>
    public required double Propensity { get; init; }

    /// <summary>
    /// Gets the index of the arm that answered, whose score and cost were observed: <see cref="ArmIndex"/> unless the
    /// chosen arm failed and the request failed over to another.
    /// </summary>
    public int AnsweredArmIndex
    {
        get => _answeredArmIndex ?? ArmIndex;
        init => _answeredArmIndex = value;
    }

    /// <summary>Gets the arm the shadow policy (<see cref="MetaLlmRouterOptions.ShadowPolicy"/>) chose, never served, or <see langword="null"/> when none ran.</summary>
    public int? ShadowArmIndex { get; init; }

    /// <summary>Gets the probability with which the shadow policy chose <see cref="ShadowArmIndex"/>.</summary>
    public double? ShadowPropensity { get; init; }

    /// <summary>Gets the answer's score, from 0 to 1.</summary>
    public required double Score { get; init; }

    /// <summary>Gets the answer's normalised cost, the unitless cost of the reward (see <see cref="MetaLlmRouterOptions.CostReferenceUsd"/>).</summary>
    public required double NormalizedCost { get; init; }

    /// <summary>Gets the answer's cost in US dollars at the arm's prices.</summary>
    public decimal CostUsd { get; init; }

    /// <summary>Gets λ, the weight of normalised cost, at decision time.</summary>
    public double CostWeight { get; init; }

    /// <summary>Gets the name of the arm the logging policy chose.</summary>
    public string ArmName => ArmNames[ArmIndex];

    /// <summary>Gets a value indicating whether the chosen arm failed and another arm answered; such a decision's outcome is not the chosen arm's.</summary>
    public bool FailedOver => AnsweredArmIndex != ArmIndex;

    /// <summary>Gets the reward the router learned from: <c>Score − CostWeight·NormalizedCost</c>.</summary>
    public double Reward => Score - (CostWeight * NormalizedCost);

    /// <summary>Gets whether an arm could be chosen.</summary>
    /// <param name="arm">The arm's index.</param>
    /// <returns><see langword="true"/> if <see cref="Eligible"/> is empty or flags the arm.</returns>
    public bool IsEligible(int arm) => Eligible.IsEmpty || Eligible.Span[arm];
}
