namespace MetaLlm;

/// <summary>The router's choice for one request, as returned by <see cref="MetaLlmRouter.RouteAsync"/>.</summary>
public sealed class RoutingDecision
{
    internal RoutingDecision(string decisionId, RouterArm arm, int armIndex, double propensity, string policyName, double costWeight, IReadOnlyList<RouterArm> arms, ArmEstimate[] estimates,
        IReadOnlyDictionary<string, string>? ineligibleReasons = null, IReadOnlyList<ArmHealth>? health = null)
    {
        IneligibleReasons = ineligibleReasons ?? new Dictionary<string, string>();
        Health = health ?? [];
        CostWeight = costWeight;
        DecisionId = decisionId;
        Arm = arm;
        ArmIndex = armIndex;
        Propensity = propensity;
        PolicyName = policyName;
        Arms = arms;
        Estimates = estimates;
    }

    /// <summary>Gets the id to pass to <see cref="MetaLlmRouter.RecordFeedback(string, double, Microsoft.Extensions.AI.UsageDetails?)"/>.</summary>
    public string DecisionId { get; }

    /// <summary>Gets the chosen arm; call its <see cref="RouterArm.Client"/> to answer the request.</summary>
    public RouterArm Arm { get; }

    /// <summary>Gets the index of the chosen arm in <see cref="Arms"/>.</summary>
    public int ArmIndex { get; }

    /// <summary>Gets the probability with which the policy chose this arm, for off-policy evaluation.</summary>
    public double Propensity { get; }

    /// <summary>
    /// Gets the arm the shadow policy (<see cref="MetaLlmRouterOptions.ShadowPolicy"/>) would have chosen, never
    /// served; <see langword="null"/> without a shadow, or when it failed.
    /// </summary>
    public int? ShadowArmIndex { get; init; }

    /// <summary>Gets the probability with which the shadow policy chose <see cref="ShadowArmIndex"/>.</summary>
    public double? ShadowPropensity { get; init; }

    /// <summary>Gets λ, the cost weight the decision was made with.</summary>
    public double CostWeight { get; }

    /// <summary>Gets the name of the policy that decided.</summary>
    public string PolicyName { get; }

    /// <summary>Gets all arms, in the order of <see cref="Estimates"/>.</summary>
    public IReadOnlyList<RouterArm> Arms { get; }

    /// <summary>
    /// Gets each arm's estimate, in the order of <see cref="Arms"/>: predicted score, uncertainty, tokens, cost, the
    /// cost term λ·normalizedCost and the predicted reward.
    /// </summary>
    public IReadOnlyList<ArmEstimate> Estimates { get; }

    /// <summary>Gets why each arm that could not serve the request was skipped, by arm name; empty when every arm was eligible.</summary>
    public IReadOnlyDictionary<string, string> IneligibleReasons { get; }

    /// <summary>Gets each arm's health (circuit breaker, recent failures) when the decision was made, in the order of <see cref="Arms"/>.</summary>
    public IReadOnlyList<ArmHealth> Health { get; }

    /// <summary>
    /// Explains the decision for an operator, one line per arm: whether it was eligible (and if not, why), its
    /// predicted score, uncertainty, cost and cost term, failure penalty, predicted reward and breaker state. Contains
    /// no prompt text.
    /// </summary>
    /// <returns>The explanation, for printing or logging.</returns>
    public string Explain()
    {
        var text = new System.Text.StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"Decision {DecisionId}: policy {PolicyName}, λ = {CostWeight:0.###}, chose '{Arm.Name}' with propensity {Propensity:0.###}.");
        for (int i = 0; i < Arms.Count; i++)
        {
            string name = Arms[i].Name;
            string breaker = i < Health.Count ? Health[i].State.ToString() : "?";
            text.AppendLine();
            if (IneligibleReasons.TryGetValue(name, out var reason))
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"  {name}: skipped, it {reason} (breaker {breaker})");
                continue;
            }

            var e = Estimates[i];
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"  {(i == ArmIndex ? "*" : " ")}{name}: score {e.PredictedScore:0.000} ± {e.Uncertainty:0.000}, cost ${e.PredictedCostUsd:0.########} (term {e.CostTerm:0.000}), failures −{e.FailurePenalty:0.000}, reward {e.PredictedReward:0.000}, breaker {breaker}");
        }

        return text.ToString();
    }

    /// <summary>Gets the estimate of the arm with the given name.</summary>
    /// <param name="armName">The arm's name.</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="KeyNotFoundException">No arm has that name.</exception>
    public ArmEstimate GetEstimate(string armName)
    {
        for (int i = 0; i < Arms.Count; i++)
        {
            if (string.Equals(Arms[i].Name, armName, StringComparison.Ordinal))
            {
                return Estimates[i];
            }
        }

        throw new KeyNotFoundException($"The router has no arm named '{armName}'.");
    }
}
