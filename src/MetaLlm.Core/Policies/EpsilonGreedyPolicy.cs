namespace MetaLlm;

/// <summary>
/// Epsilon-greedy over per-arm ridge models: with probability ε chooses an arm uniformly at random, otherwise the arm
/// with the highest predicted reward <c>xᵀθ</c>.
/// </summary>
public sealed class EpsilonGreedyPolicy : LinearBanditPolicy
{
    private readonly double _epsilon;

    /// <summary>Initializes a new instance of the <see cref="EpsilonGreedyPolicy"/> class.</summary>
    /// <param name="armCount">The number of arms.</param>
    /// <param name="dimension">The number of features.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    public EpsilonGreedyPolicy(int armCount, int dimension, EpsilonGreedyPolicyOptions? options = null)
        : base(armCount, dimension, options ??= new EpsilonGreedyPolicyOptions())
    {
        _epsilon = options.Epsilon;
    }

    /// <inheritdoc />
    public override string Name => "epsilon-greedy";

    /// <summary>Gets ε, the probability of exploring.</summary>
    public double Epsilon => _epsilon;

    /// <inheritdoc />
    protected override PolicyDecision Choose(ReadOnlySpan<ArmEstimate> estimates, Random random)
    {
        int k = estimates.Length;
        Span<double> means = stackalloc double[k];
        for (int i = 0; i < k; i++)
        {
            means[i] = estimates[i].PredictedReward;
        }

        var (greedy, ties) = ArgMax(means, random);

        // Draw the exploration coin even when ε is 0 or 1 so one seed gives one random sequence whatever ε is.
        bool explore = random.NextDouble() < _epsilon;
        int arm = explore ? random.Next(k) : greedy;

        double explorationShare = _epsilon / k;
        bool armIsGreedy = means[arm] == means[greedy];
        double propensity = armIsGreedy ? ((1 - _epsilon) / ties) + explorationShare : explorationShare;
        return new PolicyDecision(arm, propensity);
    }
}
