namespace MetaLlm.Replay.Experiments;

/// <summary>
/// A stochastic policy (Thompson sampling) as a candidate with its probabilities estimated by the share of several
/// independent draws of its choice per logged decision (<c>--off-policy-draws</c>), instead of
/// <see cref="RoutingPolicyCandidate"/>'s one draw: still unbiased for the policy's expected value, with less variance.
/// </summary>
/// <remarks>
/// The policy estimates each decision once (<see cref="EstimateCache"/>) and chooses once per draw, with its own seeded
/// random source, so the draws cost little more than one.
/// </remarks>
internal sealed class DrawAveragedCandidate : ICandidatePolicy
{
    private readonly RoutingPolicyCandidate _inner;
    private readonly int _draws;
    private readonly double[] _draw;

    public DrawAveragedCandidate(IRoutingPolicy policy, IReadOnlyList<RouterArm> arms, double costWeight, decimal? costReferenceUsd, int draws)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        _inner = new RoutingPolicyCandidate(new EstimateCache(policy), arms, costWeight, costReferenceUsd);
        _draws = draws;
        _draw = new double[arms.Count];
    }

    public void GetProbabilities(LoggedDecision decision, Span<double> probabilities)
    {
        probabilities.Clear();
        for (int d = 0; d < _draws; d++)
        {
            Array.Clear(_draw);
            _inner.GetProbabilities(decision, _draw);
            for (int a = 0; a < probabilities.Length; a++)
            {
                probabilities[a] += _draw[a] / _draws;
            }
        }
    }

    // Remembers the last context's estimates: the draws of one decision estimate it once. One thread, like the evaluator.
    private sealed class EstimateCache(IRoutingPolicy inner) : IRoutingPolicy
    {
        private float[] _context = [];
        private double _inputTokens = double.NaN;
        private ArmEstimate[] _estimates = [];

        public string Name => inner.Name;

        public int ArmCount => inner.ArmCount;

        public int Dimension => inner.Dimension;

        public void Estimate(ReadOnlySpan<float> context, double estimatedInputTokens, Span<ArmEstimate> estimates)
        {
            if (estimatedInputTokens.Equals(_inputTokens) && context.SequenceEqual(_context) && estimates.Length == _estimates.Length)
            {
                _estimates.CopyTo(estimates);
                return;
            }

            inner.Estimate(context, estimatedInputTokens, estimates);
            _context = context.ToArray();
            _inputTokens = estimatedInputTokens;
            _estimates = estimates.ToArray();
        }

        public PolicyDecision Choose(ReadOnlySpan<ArmEstimate> estimates, ReadOnlySpan<bool> eligible) => inner.Choose(estimates, eligible);

        public void Update(int arm, ReadOnlySpan<float> context, ArmObservation observation) =>
            throw new InvalidOperationException("A candidate does not learn.");

        public void Fit(ReadOnlySpan<float> contexts, ReadOnlySpan<ArmObservation> observations, int count) =>
            throw new InvalidOperationException("A candidate does not learn.");

        public IReadOnlyList<ArmStatistics> ExportStatistics() => inner.ExportStatistics();

        public void ImportStatistics(IReadOnlyList<ArmStatistics> statistics) => inner.ImportStatistics(statistics);
    }
}
