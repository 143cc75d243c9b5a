using System.Globalization;

namespace MetaLlm;

/// <summary>
/// Estimates from logged decisions what a frozen candidate policy would have scored and cost, had it routed the same
/// requests: inverse propensity scoring, its self-normalised form, and the doubly robust estimator, each with a 95%
/// interval by the normal approximation.
/// </summary>
/// <remarks>
/// <para>
/// The log must come from a stochastic policy (epsilon-greedy, or Thompson sampling with propensities): every arm the
/// candidate might choose must have had a chance of being logged. Greedy LinUCB logs propensity 1, so a log of it
/// holds nothing about the arms it did not choose; the estimate then says so in <see cref="OffPolicyEstimate.Warnings"/>.
/// </para>
/// <para>
/// Standard errors come from the sample variance of the per-decision terms (for the self-normalised estimator, of
/// its delta-method linearisation), so the intervals are asymptotic: trust them when the effective sample size is
/// in the hundreds. Decisions whose request failed over to another arm are left out, since their outcome is not the
/// chosen arm's (<see cref="OffPolicyEstimate.ExcludedCount"/>).
/// </para>
/// </remarks>
public static class OffPolicyEvaluator
{
    // A candidate's probabilities must sum to 1 within this.
    private const double ProbabilityTolerance = 1e-6;

    /// <summary>Estimates the candidate's mean score and cost by inverse propensity scoring (IPS): the mean of <c>π(a|x)/p · outcome</c>.</summary>
    /// <param name="log">The logged decisions, all with the same arms and feature dimension.</param>
    /// <param name="candidate">The frozen policy to evaluate.</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The log is empty or holds an invalid decision, or the candidate returned invalid probabilities; the message names which and why.</exception>
    public static OffPolicyEstimate EvaluateInversePropensity(IEnumerable<LoggedDecision> log, ICandidatePolicy candidate) =>
        Evaluate(log, candidate, null, OffPolicyEstimator.InversePropensity);

    /// <summary>
    /// Estimates the candidate's mean score and cost by self-normalised inverse propensity scoring (SNIPS):
    /// <c>Σ w·outcome / Σ w</c> with <c>w = π(a|x)/p</c>; its standard error is by the delta method.
    /// </summary>
    /// <param name="log">The logged decisions, all with the same arms and feature dimension.</param>
    /// <param name="candidate">The frozen policy to evaluate.</param>
    /// <returns>The estimate; not a number when the candidate agrees with no logged choice.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The log is empty or holds an invalid decision, or the candidate returned invalid probabilities.</exception>
    public static OffPolicyEstimate EvaluateSelfNormalized(IEnumerable<LoggedDecision> log, ICandidatePolicy candidate) =>
        Evaluate(log, candidate, null, OffPolicyEstimator.SelfNormalizedInversePropensity);

    /// <summary>
    /// Estimates the candidate's mean score and cost by the doubly robust estimator (DR):
    /// <c>Σ_a π(a|x)·q̂(x, a) + π(a_logged|x)/p · (outcome − q̂(x, a_logged))</c>.
    /// </summary>
    /// <param name="log">The logged decisions, all with the same arms and feature dimension.</param>
    /// <param name="candidate">The frozen policy to evaluate.</param>
    /// <param name="outcomeModel">Predicts every arm's score and cost, for example <see cref="RidgeOutcomeModel.Fit"/> or a <see cref="RoutingPolicyOutcomeModel"/>.</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The log is empty or holds an invalid decision, or the candidate or the model returned invalid values.</exception>
    public static OffPolicyEstimate EvaluateDoublyRobust(IEnumerable<LoggedDecision> log, ICandidatePolicy candidate, IOutcomeModel outcomeModel)
    {
        ArgumentNullException.ThrowIfNull(outcomeModel);
        return Evaluate(log, candidate, outcomeModel, OffPolicyEstimator.DoublyRobust);
    }

    private static IReadOnlyList<LoggedDecision> Materialize(IEnumerable<LoggedDecision> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var decisions = log as IReadOnlyList<LoggedDecision> ?? [.. log];
        if (decisions.Count == 0)
        {
            throw new ArgumentException("The log is empty; there is nothing to evaluate.", nameof(log));
        }

        var first = decisions[0] ?? throw new ArgumentException("Decision 0 is null.", nameof(log));
        if (first.ArmNames is null || first.ArmNames.Count == 0)
        {
            throw new ArgumentException("Decision 0 names no arms.", nameof(log));
        }

        for (int i = 0; i < decisions.Count; i++)
        {
            Check(decisions[i], i, first, nameof(log));
        }

        return decisions;
    }

    private static OffPolicyEstimate Evaluate(IEnumerable<LoggedDecision> log, ICandidatePolicy candidate, IOutcomeModel? outcomeModel, OffPolicyEstimator estimator)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var decisions = Materialize(log);
        int k = decisions[0].ArmNames.Count;
        int excluded = 0;
        foreach (var decision in decisions)
        {
            if (decision.FailedOver)
            {
                excluded++;
            }
        }

        int n = decisions.Count - excluded;
        if (n == 0)
        {
            throw new ArgumentException($"All {decisions.Count} decisions failed over to another arm, so none observed the chosen arm's outcome.", nameof(log));
        }

        var weights = new double[n];
        var scoreTerms = new double[n];
        var costTerms = new double[n];
        var probabilities = new double[k];
        var predictedScores = outcomeModel is null ? null : new double[k];
        var predictedCosts = outcomeModel is null ? null : new double[k];
        int unsupported = 0;
        int deterministic = 0;
        int row = 0;
        for (int i = 0; i < decisions.Count; i++)
        {
            var decision = decisions[i];
            if (decision.FailedOver)
            {
                continue;
            }

            Array.Clear(probabilities);
            candidate.GetProbabilities(decision, probabilities);
            CheckProbabilities(decision, i, probabilities, nameof(candidate));
            int arm = decision.ArmIndex;
            double target = probabilities[arm];
            double w = target / decision.Propensity;
            weights[row] = w;
            if (decision.Propensity == 1)
            {
                deterministic++;
                if (target < 1 - ProbabilityTolerance)
                {
                    unsupported++;
                }
            }

            if (outcomeModel is null)
            {
                scoreTerms[row] = w * decision.Score;
                costTerms[row] = w * decision.NormalizedCost;
            }
            else
            {
                Array.Clear(predictedScores!);
                Array.Clear(predictedCosts!);
                outcomeModel.Predict(decision, predictedScores, predictedCosts);
                double directScore = 0;
                double directCost = 0;
                for (int a = 0; a < k; a++)
                {
                    if (!double.IsFinite(predictedScores![a]) || !double.IsFinite(predictedCosts![a]))
                    {
                        throw new ArgumentException($"{Name(decision, i)}: the outcome model predicted a non-finite score or cost for arm '{decision.ArmNames[a]}'.", nameof(outcomeModel));
                    }

                    directScore += probabilities[a] * predictedScores[a];
                    directCost += probabilities[a] * predictedCosts[a];
                }

                scoreTerms[row] = directScore + (w * (decision.Score - predictedScores![arm]));
                costTerms[row] = directCost + (w * (decision.NormalizedCost - predictedCosts![arm]));
            }

            row++;
        }

        double sumW = 0;
        double sumW2 = 0;
        foreach (double w in weights)
        {
            sumW += w;
            sumW2 += w * w;
        }

        var warnings = new List<string>();
        OffPolicyValue score;
        OffPolicyValue cost;
        double covariance;
        if (estimator == OffPolicyEstimator.SelfNormalizedInversePropensity)
        {
            if (sumW == 0)
            {
                warnings.Add("The candidate agrees with no logged choice, so the self-normalised estimate is undefined (not a number).");
                score = new OffPolicyValue(double.NaN, double.NaN);
                cost = new OffPolicyValue(double.NaN, double.NaN);
                covariance = double.NaN;
            }
            else
            {
                // Delta method: the ratio's influence terms are w·(outcome − estimate) / mean(w).
                double meanW = sumW / n;
                double valueScore = Sum(scoreTerms) / sumW;
                double valueCost = Sum(costTerms) / sumW;
                for (int i = 0; i < n; i++)
                {
                    scoreTerms[i] = (scoreTerms[i] - (weights[i] * valueScore)) / meanW;
                    costTerms[i] = (costTerms[i] - (weights[i] * valueCost)) / meanW;
                }

                (_, double seScore, double seCost, covariance) = Moments(scoreTerms, costTerms);
                score = new OffPolicyValue(valueScore, seScore);
                cost = new OffPolicyValue(valueCost, seCost);
            }
        }
        else
        {
            (var means, double seScore, double seCost, covariance) = Moments(scoreTerms, costTerms);
            score = new OffPolicyValue(means.Score, seScore);
            cost = new OffPolicyValue(means.Cost, seCost);
        }

        double effective = sumW2 > 0 ? sumW * sumW / sumW2 : 0;
        AddWarnings(warnings, estimator, n, excluded, deterministic, unsupported, effective);
        return new OffPolicyEstimate(estimator, n, excluded, score, cost, covariance, effective, unsupported, warnings.AsReadOnly());
    }

    private static void AddWarnings(List<string> warnings, OffPolicyEstimator estimator, int n, int excluded, int deterministic, int unsupported, double effective)
    {
        var culture = CultureInfo.InvariantCulture;
        if (excluded > 0)
        {
            warnings.Add(string.Format(culture, "{0} decisions failed over to another arm and were left out: their outcome is not the chosen arm's. If failures depend on the request, the estimate describes the requests whose chosen arm answered.", excluded));
        }

        if (deterministic == n)
        {
            warnings.Add(string.Format(culture, "All {0} decisions were logged with propensity 1, by a deterministic policy such as greedy LinUCB: the log has no exploration, so there is no overlap with a candidate that chooses differently. The estimate only reflects the logged outcomes where the candidate agrees with the logged choice; log with epsilon-greedy or Thompson sampling to evaluate other policies.", n));
        }

        if (unsupported > 0)
        {
            string bias = estimator switch
            {
                OffPolicyEstimator.InversePropensity => "they count as zero, so the estimate is biased towards zero",
                OffPolicyEstimator.DoublyRobust => "only the outcome model speaks for them, so the estimate is as biased as the model",
                _ => "they are ignored, so the estimate is the mean of the decisions where the candidate agrees, which may not be representative",
            };
            warnings.Add(string.Format(culture, "In {0} of {1} decisions, logged with propensity 1, the candidate would choose an arm the logging policy never could: there is no overlap, and {2}.", unsupported, n, bias));
        }

        if (effective < 0.1 * n)
        {
            warnings.Add(string.Format(culture, "The effective sample size is {0:0.#} of {1} decisions: the candidate mostly chooses arms the logging policy rarely chose, so the interval is wide and its normal approximation may be poor.", effective, n));
        }

        if (n < 2)
        {
            warnings.Add("One decision gives no standard error (not a number).");
        }
    }

    private static double Sum(double[] values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        return sum;
    }

    // The means of the two series, the standard errors of the means and the covariance of the means.
    private static ((double Score, double Cost) Means, double ScoreError, double CostError, double Covariance) Moments(double[] scores, double[] costs)
    {
        int n = scores.Length;
        double meanScore = Sum(scores) / n;
        double meanCost = Sum(costs) / n;
        if (n < 2)
        {
            return ((meanScore, meanCost), double.NaN, double.NaN, double.NaN);
        }

        double ss = 0;
        double cc = 0;
        double sc = 0;
        for (int i = 0; i < n; i++)
        {
            double ds = scores[i] - meanScore;
            double dc = costs[i] - meanCost;
            ss += ds * ds;
            cc += dc * dc;
            sc += ds * dc;
        }

        double scale = 1.0 / ((double)n * (n - 1));
        return ((meanScore, meanCost), Math.Sqrt(ss * scale), Math.Sqrt(cc * scale), sc * scale);
    }

    private static string Name(LoggedDecision decision, int index) => $"Decision {index} ('{decision.DecisionId}')";

    private static void Check(LoggedDecision? decision, int index, LoggedDecision first, string paramName)
    {
        if (decision is null)
        {
            throw new ArgumentException($"Decision {index} is null.", paramName);
        }

        string name = Name(decision, index);
        int k = first.ArmNames.Count;
        if (decision.ArmNames is null || decision.ArmNames.Count != k)
        {
            throw new ArgumentException($"{name} names {decision.ArmNames?.Count ?? 0} arms, but decision 0 names {k}: a log must come from one arm set.", paramName);
        }

        if (!ReferenceEquals(decision.ArmNames, first.ArmNames))
        {
            for (int a = 0; a < k; a++)
            {
                if (!string.Equals(decision.ArmNames[a], first.ArmNames[a], StringComparison.Ordinal))
                {
                    throw new ArgumentException($"{name} names arm {a} '{decision.ArmNames[a]}', but decision 0 names it '{first.ArmNames[a]}': a log must come from one arm set.", paramName);
                }
            }
        }

        if (decision.Features.Length != first.Features.Length)
        {
            throw new ArgumentException($"{name} has {decision.Features.Length} features, but decision 0 has {first.Features.Length}: the dimensions must match.", paramName);
        }

        if (!decision.Eligible.IsEmpty && decision.Eligible.Length != k)
        {
            throw new ArgumentException($"{name} has {decision.Eligible.Length} eligibility flags for {k} arms.", paramName);
        }

        if ((uint)decision.ArmIndex >= (uint)k)
        {
            throw new ArgumentException($"{name} chose arm index {decision.ArmIndex}, out of range for {k} arms.", paramName);
        }

        if ((uint)decision.AnsweredArmIndex >= (uint)k)
        {
            throw new ArgumentException($"{name} was answered by arm index {decision.AnsweredArmIndex}, out of range for {k} arms.", paramName);
        }

        if (!decision.IsEligible(decision.ArmIndex))
        {
            throw new ArgumentException($"{name} chose arm '{decision.ArmNames[decision.ArmIndex]}', which it marks as not eligible.", paramName);
        }

        if (!(decision.Propensity > 0 && decision.Propensity <= 1))
        {
            throw new ArgumentException(FormattableString.Invariant($"{name} has propensity {decision.Propensity}; it must be in (0, 1]."), paramName);
        }

        if (!double.IsFinite(decision.Score))
        {
            throw new ArgumentException(FormattableString.Invariant($"{name} has score {decision.Score}; it must be finite."), paramName);
        }

        if (!double.IsFinite(decision.NormalizedCost) || decision.NormalizedCost < 0)
        {
            throw new ArgumentException(FormattableString.Invariant($"{name} has normalised cost {decision.NormalizedCost}; it must be finite and not negative."), paramName);
        }
    }

    private static void CheckProbabilities(LoggedDecision decision, int index, double[] probabilities, string paramName)
    {
        double sum = 0;
        for (int a = 0; a < probabilities.Length; a++)
        {
            double p = probabilities[a];
            if (!(p >= 0) || double.IsInfinity(p))
            {
                throw new ArgumentException(FormattableString.Invariant($"{Name(decision, index)}: the candidate gave arm '{decision.ArmNames[a]}' probability {p}; probabilities must be finite and not negative."), paramName);
            }

            if (p > 0 && !decision.IsEligible(a))
            {
                throw new ArgumentException(FormattableString.Invariant($"{Name(decision, index)}: the candidate gave arm '{decision.ArmNames[a]}' probability {p}, but the arm was not eligible."), paramName);
            }

            sum += p;
        }

        if (Math.Abs(sum - 1) > ProbabilityTolerance)
        {
            throw new ArgumentException(FormattableString.Invariant($"{Name(decision, index)}: the candidate's probabilities sum to {sum}, not 1."), paramName);
        }
    }
}
