namespace MetaLlm;

/// <summary>
/// An <see cref="IOutcomeModel"/> fitted on a log: per arm, a ridge regression of the score and of the normalised
/// cost on the features, from the decisions that arm answered.
/// </summary>
/// <remarks>
/// An arm that answered no decision predicts 0 for both. Fitting on the log being evaluated adds a small bias to the
/// doubly robust estimate that vanishes as the log grows (see <see cref="IOutcomeModel"/>).
/// </remarks>
public sealed class RidgeOutcomeModel : IOutcomeModel
{
    // The ridge model learns two targets; here the second holds the normalised cost instead of output tokens.
    private readonly RidgeRegressionModel[] _arms;
    private readonly IReadOnlyList<string> _armNames;

    private RidgeOutcomeModel(RidgeRegressionModel[] arms, IReadOnlyList<string> armNames)
    {
        _arms = arms;
        _armNames = armNames;
    }

    /// <summary>Gets the number of features the model expects.</summary>
    public int Dimension => _arms[0].Dimension;

    /// <summary>Fits a model on the decisions of a log.</summary>
    /// <param name="log">The logged decisions, all with the same arms and feature dimension.</param>
    /// <param name="regularization">The ridge penalty λ_ridge on every weight; positive. Default 1.</param>
    /// <returns>The fitted model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="log"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The log is empty, or its decisions do not share arms and dimension, or hold non-finite values.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="regularization"/> is not positive and finite.</exception>
    public static RidgeOutcomeModel Fit(IEnumerable<LoggedDecision> log, double regularization = 1)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!(regularization > 0) || double.IsInfinity(regularization))
        {
            throw new ArgumentOutOfRangeException(nameof(regularization), regularization, "The regularization must be positive and finite.");
        }

        RidgeRegressionModel[]? arms = null;
        IReadOnlyList<string>? names = null;
        double[]? context = null;
        int index = 0;
        foreach (var decision in log)
        {
            if (decision is null)
            {
                throw new ArgumentException($"Decision {index} is null.", nameof(log));
            }

            if (arms is null)
            {
                names = decision.ArmNames;
                if (names is null || names.Count == 0 || decision.Features.Length == 0)
                {
                    throw new ArgumentException("Decision 0 names no arms or has no features.", nameof(log));
                }

                arms = new RidgeRegressionModel[names.Count];
                for (int a = 0; a < arms.Length; a++)
                {
                    arms[a] = new RidgeRegressionModel(decision.Features.Length, regularization);
                }

                context = new double[decision.Features.Length];
            }

            if (decision.ArmNames is null || decision.ArmNames.Count != arms.Length || decision.Features.Length != context!.Length)
            {
                throw new ArgumentException($"Decision {index} ('{decision.DecisionId}') does not have decision 0's {arms.Length} arms and {context!.Length} features.", nameof(log));
            }

            if ((uint)decision.AnsweredArmIndex >= (uint)arms.Length)
            {
                throw new ArgumentException($"Decision {index} ('{decision.DecisionId}') was answered by arm index {decision.AnsweredArmIndex}, out of range for {arms.Length} arms.", nameof(log));
            }

            if (!double.IsFinite(decision.Score) || !double.IsFinite(decision.NormalizedCost))
            {
                throw new ArgumentException($"Decision {index} ('{decision.DecisionId}') has a non-finite score or cost.", nameof(log));
            }

            var features = decision.Features.Span;
            for (int j = 0; j < context.Length; j++)
            {
                context[j] = features[j];
            }

            arms[decision.AnsweredArmIndex].Update(context, decision.Score, decision.NormalizedCost);
            index++;
        }

        if (arms is null)
        {
            throw new ArgumentException("The log is empty; there is nothing to fit.", nameof(log));
        }

        return new RidgeOutcomeModel(arms, names!);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The decision does not have the arms or the features the model was fitted on.</exception>
    public void Predict(LoggedDecision decision, Span<double> scores, Span<double> normalizedCosts)
    {
        ArgumentNullException.ThrowIfNull(decision);
        int k = _arms.Length;
        if (decision.ArmNames.Count != k || scores.Length != k || normalizedCosts.Length != k || decision.Features.Length != Dimension)
        {
            throw new ArgumentException($"Decision '{decision.DecisionId}' does not have the {k} arms and {Dimension} features the model was fitted on.", nameof(decision));
        }

        Span<double> context = Dimension <= 512 ? stackalloc double[Dimension] : new double[Dimension];
        var features = decision.Features.Span;
        for (int j = 0; j < context.Length; j++)
        {
            context[j] = features[j];
        }

        for (int a = 0; a < k; a++)
        {
            scores[a] = _arms[a].PredictScore(context);
            normalizedCosts[a] = _arms[a].PredictOutputTokens(context);
        }
    }
}
