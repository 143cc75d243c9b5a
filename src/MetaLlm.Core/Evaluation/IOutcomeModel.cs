namespace MetaLlm;

/// <summary>
/// A model of what every arm would have scored and cost on a logged decision's context, which the doubly robust
/// estimator (<see cref="OffPolicyEvaluator.EvaluateDoublyRobust"/>) corrects with the logged outcomes.
/// </summary>
/// <remarks>
/// The doubly robust estimate stays unbiased with any model when the propensities are right; a better model only
/// narrows its interval. A model fitted on the very log it evaluates (as <see cref="RidgeOutcomeModel.Fit"/> does)
/// adds a small bias that vanishes as the log grows; fit on another part of the log to avoid it.
/// </remarks>
public interface IOutcomeModel
{
    /// <summary>Predicts every arm's expected score and normalised cost for a logged decision.</summary>
    /// <param name="decision">The logged decision.</param>
    /// <param name="scores">Receives one expected score per arm of <see cref="LoggedDecision.ArmNames"/>.</param>
    /// <param name="normalizedCosts">Receives one expected normalised cost per arm.</param>
    void Predict(LoggedDecision decision, Span<double> scores, Span<double> normalizedCosts);
}
