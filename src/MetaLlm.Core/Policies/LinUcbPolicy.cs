namespace MetaLlm;

/// <summary>
/// Disjoint LinUCB (Li et al., 2010): chooses <c>argmax_j xᵀθ_j + α·sqrt(xᵀA_j⁻¹x)</c>, the arm whose reward could
/// plausibly be highest. With α = 0 it is the greedy policy of the MetaLLM paper.
/// </summary>
public sealed class LinUcbPolicy : LinearBanditPolicy
{
    private readonly double _alpha;

    /// <summary>Initializes a new instance of the <see cref="LinUcbPolicy"/> class.</summary>
    /// <param name="armCount">The number of arms.</param>
    /// <param name="dimension">The number of features.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    public LinUcbPolicy(int armCount, int dimension, LinUcbPolicyOptions? options = null)
        : base(armCount, dimension, options ??= new LinUcbPolicyOptions())
    {
        _alpha = options.Alpha;
    }

    /// <inheritdoc />
    public override string Name => "linucb";

    /// <summary>Gets α, the weight of the confidence width.</summary>
    public double Alpha => _alpha;

    /// <inheritdoc />
    protected override PolicyDecision Choose(ReadOnlySpan<ArmEstimate> estimates, Random random)
    {
        Span<double> scores = stackalloc double[estimates.Length];
        for (int i = 0; i < estimates.Length; i++)
        {
            scores[i] = estimates[i].PredictedReward + (_alpha * estimates[i].Uncertainty);
        }

        var (arm, ties) = ArgMax(scores, random);
        return new PolicyDecision(arm, 1.0 / ties);
    }
}
