namespace MetaLlm.Benchmarks;

/// <summary>Deterministic inputs shared by the benchmarks and the quick mode.</summary>
public static class BenchmarkInputs
{
    /// <summary>The policy names the benchmarks understand.</summary>
    public static readonly string[] PolicyNames = ["linucb", "thompson", "epsilon-greedy"];

    /// <summary>Creates a seeded policy by name.</summary>
    public static LinearBanditPolicy CreatePolicy(string name, int arms, int dimension, int seed = 42) => name switch
    {
        "linucb" => new LinUcbPolicy(arms, dimension, new LinUcbPolicyOptions { Seed = seed }),
        "thompson" => new ThompsonSamplingPolicy(arms, dimension, new ThompsonSamplingPolicyOptions { Seed = seed }),
        "epsilon-greedy" or "epsilon" => new EpsilonGreedyPolicy(arms, dimension, new EpsilonGreedyPolicyOptions { Seed = seed }),
        _ => throw new ArgumentException($"Unknown policy '{name}'; expected one of {string.Join(", ", PolicyNames)}.", nameof(name)),
    };

    /// <summary>
    /// Dense unit-length contexts with a bias of 1 in the last position: the worst case for the policies, since a
    /// hashed prompt leaves many features at zero.
    /// </summary>
    public static float[][] CreateContexts(int count, int dimension, int seed = 7)
    {
        var random = new Random(seed);
        var contexts = new float[count][];
        for (int n = 0; n < count; n++)
        {
            var x = new float[dimension];
            double norm = 0;
            for (int i = 0; i < dimension - 1; i++)
            {
                x[i] = (float)((random.NextDouble() * 2) - 1);
                norm += x[i] * x[i];
            }

            float scale = norm > 0 ? (float)(1 / Math.Sqrt(norm)) : 0;
            for (int i = 0; i < dimension - 1; i++)
            {
                x[i] *= scale;
            }

            x[dimension - 1] = 1;
            contexts[n] = x;
        }

        return contexts;
    }

    /// <summary>Rewards in [0, 1] for the update benchmarks.</summary>
    public static double[] CreateRewards(int count, int seed = 11)
    {
        var random = new Random(seed);
        var rewards = new double[count];
        for (int i = 0; i < count; i++)
        {
            rewards[i] = random.NextDouble();
        }

        return rewards;
    }

    /// <summary>Teaches a policy from <paramref name="updates"/> random observations so its matrices are not the identity.</summary>
    public static void Warm(IRoutingPolicy policy, int updates, int seed = 3)
    {
        var contexts = CreateContexts(Math.Min(updates, 64), policy.Dimension, seed);
        var random = new Random(seed);
        for (int i = 0; i < updates; i++)
        {
            policy.Update(random.Next(policy.ArmCount), contexts[i % contexts.Length], Observation(random.NextDouble()));
        }
    }

    /// <summary>An observation with the given score and a typical answer's tokens.</summary>
    public static ArmObservation Observation(double score) => new(score, BilledTokens.Uncached(500, 200), 500);

    /// <summary>One decision as the router makes it: estimate every arm, then choose (cost terms left at zero).</summary>
    public static PolicyDecision Decide(IRoutingPolicy policy, float[] context, Span<ArmEstimate> estimates)
    {
        policy.Estimate(context, 500, estimates);
        return policy.Choose(estimates, []);
    }

    /// <summary>An English-like prompt of about <paramref name="length"/> characters.</summary>
    public static string CreatePrompt(int length, int seed = 5)
    {
        string[] words =
        [
            "the", "model", "should", "explain", "why", "this", "function", "returns", "null", "when", "input", "is",
            "empty", "please", "write", "a", "short", "proof", "that", "every", "prime", "greater", "than", "two",
            "odd", "translate", "following", "sentence", "into", "French", "summarise", "article", "about", "climate",
            "policy", "in", "three", "bullet", "points", "SQL", "query", "join", "tables", "customers", "orders",
        ];
        var random = new Random(seed);
        var builder = new System.Text.StringBuilder(length + 16);
        while (builder.Length < length)
        {
            builder.Append(words[random.Next(words.Length)]);
            builder.Append(random.Next(12) == 0 ? ". " : " ");
        }

        return builder.ToString(0, length);
    }
}
