namespace MetaLlm.Tests;

/// <summary>
/// A synthetic routing problem whose off-policy answer is known exactly: eight equally likely contexts, four arms
/// with context-dependent Bernoulli scores and uniform-noise costs, logged by epsilon-greedy (ε = 0.8, so 0.4 on the
/// greedy arm and 0.2 on each other) with known propensities.
/// </summary>
internal static class SyntheticLog
{
    public const int Arms = 4;
    public const double Epsilon = 0.8;

    private static readonly string[] Names = ["a0", "a1", "a2", "a3"];
    private static readonly float[][] Contexts =
        [.. from u1 in new[] { 0.1f, 0.4f, 0.7f, 0.95f } from u2 in new[] { 0.2f, 0.8f } select new[] { 1f, u1, u2 }];

    public static IReadOnlyList<string> ArmNames => Names;

    /// <summary>The expected score of an arm in a context.</summary>
    public static double ScoreMean(int arm, float[] x) => arm switch
    {
        0 => 0.20 + (0.2 * x[1]),
        1 => 0.30 - (0.2 * x[1]) + (0.1 * x[2]),
        2 => 0.50 + (0.3 * x[2]),
        _ => 0.90 - (0.2 * x[2]) - (0.2 * x[1]),
    };

    /// <summary>The expected normalised cost of an arm in a context.</summary>
    public static double CostMean(int arm, float[] x) => 0.1 + (0.2 * arm) + (0.1 * x[2]);

    /// <summary>The logging policy's greedy arm, a poor one: the candidate must be told apart from it.</summary>
    public static int LoggingGreedy(float[] x) => x[1] > 0.5 ? 1 : 0;

    /// <summary>The candidate: the better of arms 2 and 3, never the logging policy's greedy arm.</summary>
    public static int Target(float[] x) => x[2] > 0.5 ? 2 : 3;

    /// <summary>The candidate's true mean score and cost, an exact average over the eight contexts.</summary>
    public static (double Score, double Cost) Truth()
    {
        double score = 0;
        double cost = 0;
        foreach (var x in Contexts)
        {
            score += ScoreMean(Target(x), x);
            cost += CostMean(Target(x), x);
        }

        return (score / Contexts.Length, cost / Contexts.Length);
    }

    /// <summary>The logging policy's own mean score, which a naive average of the log estimates.</summary>
    public static double LoggingScore()
    {
        double score = 0;
        foreach (var x in Contexts)
        {
            for (int a = 0; a < Arms; a++)
            {
                score += Probability(a, x) * ScoreMean(a, x);
            }
        }

        return score / Contexts.Length;
    }

    public static double Probability(int arm, float[] x) => (Epsilon / Arms) + (arm == LoggingGreedy(x) ? 1 - Epsilon : 0);

    public static LoggedDecision[] Generate(Random random, int n, bool deterministic = false)
    {
        var log = new LoggedDecision[n];
        for (int i = 0; i < n; i++)
        {
            var x = Contexts[random.Next(Contexts.Length)];
            int arm;
            double propensity;
            if (deterministic)
            {
                arm = LoggingGreedy(x);
                propensity = 1;
            }
            else
            {
                arm = random.NextDouble() < Epsilon ? random.Next(Arms) : LoggingGreedy(x);
                propensity = Probability(arm, x);
            }

            double score = random.NextDouble() < ScoreMean(arm, x) ? 1 : 0;
            double cost = CostMean(arm, x) + ((random.NextDouble() - 0.5) * 0.1);
            log[i] = new LoggedDecision
            {
                DecisionId = "d" + i,
                PolicyName = "epsilon-greedy",
                ArmNames = Names,
                Features = x,
                ArmIndex = arm,
                Propensity = propensity,
                Score = score,
                NormalizedCost = cost,
                CostWeight = 0.5,
            };
        }

        return log;
    }

    /// <summary>The candidate as a deterministic <see cref="ICandidatePolicy"/>.</summary>
    public sealed class TargetPolicy : ICandidatePolicy
    {
        public void GetProbabilities(LoggedDecision decision, Span<double> probabilities) =>
            probabilities[Target(decision.Features.ToArray())] = 1;
    }

    /// <summary>An outcome model that knows the true means (a perfect model) or ignores the context (a poor one).</summary>
    public sealed class Model(bool perfect) : IOutcomeModel
    {
        public void Predict(LoggedDecision decision, Span<double> scores, Span<double> normalizedCosts)
        {
            var x = decision.Features.ToArray();
            for (int a = 0; a < Arms; a++)
            {
                scores[a] = perfect ? ScoreMean(a, x) : 0.5;
                normalizedCosts[a] = perfect ? CostMean(a, x) : 0.3;
            }
        }
    }
}
