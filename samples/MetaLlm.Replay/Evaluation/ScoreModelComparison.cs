using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using MetaLlm.Replay.DatasetReaders;

namespace MetaLlm.Replay.Evaluation;

/// <summary>
/// Issue 13's score-model question, answered offline: per model, a ridge regression of the score (the router's own
/// model) and an L2-regularised logistic regression (scores are mostly 0 or 1), each with its penalty chosen per model
/// by k-fold cross-validation on the training file alone (squared error for ridge, log loss for logistic), then both
/// route the test questions with the same predicted costs. Only the score model differs.
/// </summary>
/// <remarks>
/// Predicted costs are each model's mean cost on the training questions, for both. The bias (the last feature, as
/// every featurizer here writes it) is not penalised. Logistic regression is fitted by L-BFGS, warm-started along the
/// penalty path; ridge in closed form from the Gram matrix, whose fold parts are computed once.
/// </remarks>
internal static class ScoreModelComparison
{
    /// <summary>The candidate penalties of both models.</summary>
    public static readonly double[] CandidatePenalties = [100, 30, 10, 3, 1, 0.3, 0.1, 0.03, 0.01];

    /// <summary>The number of cross-validation folds.</summary>
    public const int FoldCount = 3;

    /// <summary>Fits both score models on the training questions and routes the test questions with each.</summary>
    public static IReadOnlyList<ScoreModelOutcome> Compute(
        IReadOnlyList<ReplayQuery> train, IReadOnlyList<float[]> trainFeatures, IReadOnlyList<ReplayQuery> test, IReadOnlyList<float[]> testFeatures, ReplayCostModel costs, IReadOnlyList<double> lambdas, int seed = 0)
    {
        int n = train.Count, d = trainFeatures[0].Length, arms = costs.Pricing.Count;
        var x = new double[n * d];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < d; c++)
            {
                x[(i * d) + c] = trainFeatures[i][c];
            }
        }

        var y = Enumerable.Range(0, arms).Select(a => train.Select(q => q.Outcomes[a].Score).ToArray()).ToArray();
        var fold = new int[n];
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        for (int i = 0; i < n; i++)
        {
            fold[order[i]] = i % FoldCount;
        }

        var meanCosts = Enumerable.Range(0, arms).Select(a => train.Average(q => (double)costs.Cost(a, q.Usage[a]))).ToArray();
        var predictedCosts = test.Select(_ => meanCosts).ToArray();
        var testRows = testFeatures.Select(f => f.Select(v => (double)v).ToArray()).ToArray();

        var ridge = Ridge(x, y, fold, n, d, testRows);
        var logistic = Logistic(x, y, fold, n, d, testRows);
        return
        [
            ridge with { Points = PredictedRouting.Route(test, ridge.Predictions, predictedCosts, costs, lambdas) },
            logistic with { Points = PredictedRouting.Route(test, logistic.Predictions, predictedCosts, costs, lambdas) },
        ];
    }

    private static ScoreModelOutcome Ridge(double[] x, double[][] y, int[] fold, int n, int d, double[][] testRows)
    {
        int arms = y.Length;

        // Each fold's own Gram matrix and Xᵀy; a fold's training part is the total minus its own.
        var grams = new double[FoldCount][];
        var moments = new double[FoldCount][][];
        for (int f = 0; f < FoldCount; f++)
        {
            grams[f] = new double[d * d];
            moments[f] = [.. Enumerable.Range(0, arms).Select(_ => new double[d])];
        }

        for (int i = 0; i < n; i++)
        {
            var row = x.AsSpan(i * d, d);
            var gram = grams[fold[i]];
            for (int r = 0; r < d; r++)
            {
                if (row[r] != 0)
                {
                    TensorPrimitives.MultiplyAdd(row, row[r], gram.AsSpan(r * d, d), gram.AsSpan(r * d, d));
                }
            }

            for (int a = 0; a < arms; a++)
            {
                TensorPrimitives.MultiplyAdd(row, y[a][i], moments[fold[i]][a], moments[fold[i]][a]);
            }
        }

        double[] Sum(Func<int, double[]> part, int? without)
        {
            var total = new double[part(0).Length];
            for (int f = 0; f < FoldCount; f++)
            {
                if (f != without)
                {
                    TensorPrimitives.Add(total, part(f), total);
                }
            }

            return total;
        }

        double[][] Solve(double[] gram, double[][] moment, double penalty)
        {
            var matrix = Matrix<double>.Build.DenseOfColumnMajor(d, d, gram);
            for (int c = 0; c < d - 1; c++)
            {
                matrix[c, c] += penalty;
            }

            var rhs = Matrix<double>.Build.DenseOfColumnArrays(moment);
            var solution = matrix.Cholesky().Solve(rhs);
            return [.. Enumerable.Range(0, arms).Select(a => solution.Column(a).ToArray())];
        }

        var squared = new double[CandidatePenalties.Length, arms];
        var brier = new double[CandidatePenalties.Length, arms];
        for (int f = 0; f < FoldCount; f++)
        {
            var gram = Sum(g => grams[g], f);
            var moment = Enumerable.Range(0, arms).Select(a => Sum(g => moments[g][a], f)).ToArray();
            for (int p = 0; p < CandidatePenalties.Length; p++)
            {
                var theta = Solve(gram, moment, CandidatePenalties[p]);
                for (int i = 0; i < n; i++)
                {
                    if (fold[i] != f)
                    {
                        continue;
                    }

                    var row = x.AsSpan(i * d, d);
                    for (int a = 0; a < arms; a++)
                    {
                        double residual = y[a][i] - TensorPrimitives.Dot(row, theta[a]);
                        squared[p, a] += residual * residual / n;
                        double clamped = y[a][i] - Math.Clamp(y[a][i] - residual, 0, 1);
                        brier[p, a] += clamped * clamped / n;
                    }
                }
            }
        }

        var chosen = Choose(squared, arms);
        var fullGram = Sum(g => grams[g], null);
        var fullMoment = Enumerable.Range(0, arms).Select(a => Sum(g => moments[g][a], null)).ToArray();
        var thetas = new double[arms][];
        foreach (var group in Enumerable.Range(0, arms).GroupBy(a => chosen[a]))
        {
            var solved = Solve(fullGram, fullMoment, CandidatePenalties[group.Key]);
            foreach (int a in group)
            {
                thetas[a] = solved[a];
            }
        }

        return Outcome("ridge", chosen, squared, brier, thetas, testRows, logistic: false);
    }

    private static ScoreModelOutcome Logistic(double[] x, double[][] y, int[] fold, int n, int d, double[][] testRows)
    {
        int arms = y.Length;
        var logLoss = new double[CandidatePenalties.Length, arms];
        var brier = new double[CandidatePenalties.Length, arms];
        var fullPaths = new double[arms][][];
        Parallel.For(0, arms, a =>
        {
            for (int f = 0; f < FoldCount; f++)
            {
                var rows = Enumerable.Range(0, n).Where(i => fold[i] != f).ToArray();
                double[]? start = null;
                for (int p = 0; p < CandidatePenalties.Length; p++)
                {
                    start = FitLogistic(x, y[a], rows, d, CandidatePenalties[p], start);
                    for (int i = 0; i < n; i++)
                    {
                        if (fold[i] == f)
                        {
                            double probability = Sigmoid(TensorPrimitives.Dot(x.AsSpan(i * d, d), start));
                            double clipped = Math.Clamp(probability, 1e-9, 1 - 1e-9);
                            logLoss[p, a] += -((y[a][i] * Math.Log(clipped)) + ((1 - y[a][i]) * Math.Log(1 - clipped))) / n;
                            brier[p, a] += (y[a][i] - probability) * (y[a][i] - probability) / n;
                        }
                    }
                }
            }

            var all = Enumerable.Range(0, n).ToArray();
            fullPaths[a] = new double[CandidatePenalties.Length][];
            double[]? previous = null;
            for (int p = 0; p < CandidatePenalties.Length; p++)
            {
                previous = fullPaths[a][p] = FitLogistic(x, y[a], all, d, CandidatePenalties[p], previous);
            }
        });

        var chosen = Choose(logLoss, arms);
        var thetas = Enumerable.Range(0, arms).Select(a => fullPaths[a][chosen[a]]).ToArray();
        return Outcome("logistic", chosen, logLoss, brier, thetas, testRows, logistic: true);
    }

    // Minimises Σ log(1 + e^z) − y·z + (penalty/2)·‖θ without the bias‖², z = x·θ, over the given rows (scaled by 1/n).
    private static double[] FitLogistic(double[] x, double[] y, int[] rows, int d, double penalty, double[]? start)
    {
        double scale = 1.0 / rows.Length;
        var objective = ObjectiveFunction.Gradient(theta =>
        {
            var t = theta.AsArray() ?? theta.ToArray();
            var gradient = new double[d];
            double value = 0;
            for (int k = 0; k < rows.Length; k++)
            {
                var row = x.AsSpan(rows[k] * d, d);
                double logit = TensorPrimitives.Dot(row, t);
                value += (logit > 0 ? logit + Math.Log(1 + Math.Exp(-logit)) : Math.Log(1 + Math.Exp(logit))) - (y[rows[k]] * logit);
                TensorPrimitives.MultiplyAdd(row, Sigmoid(logit) - y[rows[k]], gradient, gradient);
            }

            for (int c = 0; c < d - 1; c++)
            {
                value += 0.5 * penalty * t[c] * t[c];
                gradient[c] += penalty * t[c];
            }

            TensorPrimitives.Multiply(gradient, scale, gradient);
            return (value * scale, Vector<double>.Build.Dense(gradient));
        });

        var minimizer = new LimitedMemoryBfgsMinimizer(1e-6, 1e-8, 1e-10, 10, 1000);
        var initial = Vector<double>.Build.Dense(start is null ? new double[d] : [.. start]);
        try
        {
            return minimizer.FindMinimum(objective, initial).MinimizingPoint.ToArray();
        }
        catch (MaximumIterationsException)
        {
            // The path's next penalty starts from here; a not-quite-converged fit is still a fit, and the cross-validation judges it.
            return initial.ToArray();
        }
    }

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    private static int[] Choose(double[,] loss, int arms) =>
        [.. Enumerable.Range(0, arms).Select(a => Enumerable.Range(0, CandidatePenalties.Length).MinBy(p => loss[p, a]))];

    private static ScoreModelOutcome Outcome(string name, int[] chosen, double[,] loss, double[,] brier, double[][] thetas, double[][] testRows, bool logistic)
    {
        int arms = chosen.Length;
        var predictions = testRows.Select(row => Enumerable.Range(0, arms).Select(a =>
        {
            double z = TensorPrimitives.Dot(row, thetas[a]);
            return logistic ? Sigmoid(z) : z;
        }).ToArray()).ToArray();
        return new ScoreModelOutcome(
            name,
            [.. chosen.Select(p => CandidatePenalties[p])],
            [.. Enumerable.Range(0, CandidatePenalties.Length).Select(p => Enumerable.Range(0, arms).Average(a => loss[p, a]))],
            Enumerable.Range(0, arms).Average(a => brier[chosen[a], a]),
            predictions,
            []);
    }
}

/// <summary>One score model of <see cref="ScoreModelComparison"/>: its penalties, its cross-validated losses and its routing.</summary>
/// <param name="Name">ridge or logistic.</param>
/// <param name="Penalties">The chosen penalty of each model (arm).</param>
/// <param name="CrossValidationLoss">The mean over arms of the cross-validated loss of each candidate penalty (squared error for ridge, log loss for logistic).</param>
/// <param name="CrossValidationBrier">The mean over arms of the cross-validated squared error of the score, predictions clamped to [0, 1], at the chosen penalties: comparable between the two.</param>
/// <param name="Predictions">Per test question, the predicted score of every model.</param>
/// <param name="Points">The routing's point at each λ.</param>
internal sealed record ScoreModelOutcome(
    string Name, double[] Penalties, double[] CrossValidationLoss, double CrossValidationBrier, double[][] Predictions, List<(double Lambda, CostAccuracyPoint Point)> Points);
