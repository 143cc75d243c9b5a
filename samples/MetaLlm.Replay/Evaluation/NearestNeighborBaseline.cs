using System.Numerics.Tensors;
using MetaLlm.Replay.DatasetReaders;

namespace MetaLlm.Replay.Evaluation;

/// <summary>
/// A plain offline classifier to hold the router against (issue 13): each test question gets, for every model, the
/// mean score and mean cost of that model on the question's k nearest training questions (dot product of the routing
/// features), and goes to the model with the best predicted score − λ·cost/(the dearest model's predicted cost). k is
/// chosen by leave-one-out on the training file alone.
/// </summary>
/// <remarks>It is computed from the recorded outcomes, not through the router: a yardstick, not a policy.</remarks>
internal sealed class NearestNeighborBaseline
{
    /// <summary>The candidate neighbourhood sizes; the one with the least leave-one-out error of the scores is used.</summary>
    public static readonly int[] CandidateK = [1, 2, 5, 10, 20, 50, 100];

    private NearestNeighborBaseline(int k, IReadOnlyList<double> leaveOneOutErrors, IReadOnlyList<(double Lambda, CostAccuracyPoint Point)> points)
    {
        K = k;
        LeaveOneOutErrors = leaveOneOutErrors;
        Points = points;
    }

    /// <summary>Gets the chosen neighbourhood size.</summary>
    public int K { get; }

    /// <summary>Gets the mean squared leave-one-out error of the scores (over models) for each of <see cref="CandidateK"/>.</summary>
    public IReadOnlyList<double> LeaveOneOutErrors { get; }

    /// <summary>Gets the baseline's point at each λ.</summary>
    public IReadOnlyList<(double Lambda, CostAccuracyPoint Point)> Points { get; }

    /// <summary>Chooses k on the training questions and routes the test questions at every λ.</summary>
    /// <param name="train">The training questions.</param>
    /// <param name="trainFeatures">Their feature vectors, in the same order.</param>
    /// <param name="test">The test questions.</param>
    /// <param name="testFeatures">Their feature vectors.</param>
    /// <param name="costs">The cost model (every query's usage is set).</param>
    /// <param name="lambdas">The cost weights.</param>
    public static NearestNeighborBaseline Compute(
        IReadOnlyList<ReplayQuery> train, IReadOnlyList<float[]> trainFeatures, IReadOnlyList<ReplayQuery> test, IReadOnlyList<float[]> testFeatures, ReplayCostModel costs, IReadOnlyList<double> lambdas)
    {
        int arms = costs.Pricing.Count;
        var trainScores = train.Select(q => Enumerable.Range(0, arms).Select(a => q.Outcomes[a].Score).ToArray()).ToArray();
        var trainCosts = train.Select(q => Enumerable.Range(0, arms).Select(a => (double)costs.Cost(a, q.Usage[a])).ToArray()).ToArray();
        int maxK = Math.Min(CandidateK[^1], train.Count - 1);

        // Leave-one-out: each training question's neighbours among the others, for every candidate k at once.
        var perQuestion = new double[train.Count][];
        Parallel.For(0, train.Count, i =>
        {
            var nearest = Nearest(trainFeatures[i], trainFeatures, maxK, exclude: i);
            var sums = new double[arms];
            var row = new double[CandidateK.Length];
            int taken = 0;
            for (int c = 0; c < CandidateK.Length; c++)
            {
                int k = CandidateK[c];
                if (k > nearest.Length)
                {
                    row[c] = double.PositiveInfinity;
                    continue;
                }

                for (; taken < k; taken++)
                {
                    for (int arm = 0; arm < arms; arm++)
                    {
                        sums[arm] += trainScores[nearest[taken]][arm];
                    }
                }

                for (int arm = 0; arm < arms; arm++)
                {
                    double residual = trainScores[i][arm] - (sums[arm] / k);
                    row[c] += residual * residual / arms;
                }
            }

            perQuestion[i] = row;
        });

        var errors = new double[CandidateK.Length];
        foreach (var row in perQuestion)
        {
            for (int c = 0; c < errors.Length; c++)
            {
                errors[c] += row[c];
            }
        }

        for (int c = 0; c < errors.Length; c++)
        {
            errors[c] /= train.Count;
        }

        int best = Array.IndexOf(errors, errors.Min());
        int chosen = CandidateK[best];

        // Predictions for the test questions, then one routing per λ.
        var predictedScores = new double[test.Count][];
        var predictedCosts = new double[test.Count][];
        for (int q = 0; q < test.Count; q++)
        {
            var nearest = Nearest(testFeatures[q], trainFeatures, chosen, exclude: -1);
            predictedScores[q] = new double[arms];
            predictedCosts[q] = new double[arms];
            foreach (int neighbour in nearest)
            {
                for (int arm = 0; arm < arms; arm++)
                {
                    predictedScores[q][arm] += trainScores[neighbour][arm] / nearest.Length;
                    predictedCosts[q][arm] += trainCosts[neighbour][arm] / nearest.Length;
                }
            }
        }

        var points = PredictedRouting.Route(test, predictedScores, predictedCosts, costs, lambdas);
        return new NearestNeighborBaseline(chosen, errors, points);
    }

    // The indices of the k rows most similar to x (largest dot product), most similar first; ties go to the lower index.
    private static int[] Nearest(float[] x, IReadOnlyList<float[]> rows, int k, int exclude)
    {
        // A min-heap of the best k so far: its root is the least similar of them.
        var heap = new PriorityQueue<int, (float Value, int NegatedIndex)>(k + 1);
        for (int j = 0; j < rows.Count; j++)
        {
            if (j == exclude)
            {
                continue;
            }

            var priority = (TensorPrimitives.Dot(x, rows[j]), -j);
            if (heap.Count < k)
            {
                heap.Enqueue(j, priority);
            }
            else if (heap.TryPeek(out _, out var worst) && priority.CompareTo(worst) > 0)
            {
                heap.EnqueueDequeue(j, priority);
            }
        }

        var nearest = new int[heap.Count];
        for (int i = nearest.Length - 1; i >= 0; i--)
        {
            nearest[i] = heap.Dequeue();
        }

        return nearest;
    }
}
