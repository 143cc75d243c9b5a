using MetaLlm.Replay.DatasetReaders;

namespace MetaLlm.Replay.Evaluation;

/// <summary>
/// Routes recorded questions by predictions made outside the router (the offline yardsticks): each question goes to
/// the model with the best predicted score − λ·(predicted cost)/(the dearest model's predicted cost for it), as the
/// router's default cost normalisation does, and is charged what that model really scored and cost.
/// </summary>
internal static class PredictedRouting
{
    /// <summary>One cost–accuracy point per λ.</summary>
    /// <param name="test">The routed questions.</param>
    /// <param name="predictedScores">Per question, the predicted score of every model.</param>
    /// <param name="predictedCosts">Per question, the predicted cost of every model.</param>
    /// <param name="costs">The cost model the real cost of a choice is read from.</param>
    /// <param name="lambdas">The cost weights.</param>
    public static List<(double Lambda, CostAccuracyPoint Point)> Route(
        IReadOnlyList<ReplayQuery> test, double[][] predictedScores, double[][] predictedCosts, ReplayCostModel costs, IReadOnlyList<double> lambdas)
    {
        var points = new List<(double, CostAccuracyPoint)>(lambdas.Count);
        foreach (double lambda in lambdas)
        {
            double score = 0, cost = 0;
            for (int q = 0; q < test.Count; q++)
            {
                double dearest = predictedCosts[q].Max();
                int pick = 0;
                double bestReward = double.NegativeInfinity;
                for (int arm = 0; arm < predictedScores[q].Length; arm++)
                {
                    double reward = predictedScores[q][arm] - (dearest > 0 ? lambda * predictedCosts[q][arm] / dearest : 0);
                    if (reward > bestReward)
                    {
                        bestReward = reward;
                        pick = arm;
                    }
                }

                score += test[q].Outcomes[pick].Score;
                cost += (double)costs.Cost(pick, test[q].Usage[pick]);
            }

            points.Add((lambda, new CostAccuracyPoint(cost / test.Count, score / test.Count)));
        }

        return points;
    }
}
