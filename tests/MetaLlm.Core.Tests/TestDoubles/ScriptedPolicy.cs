namespace MetaLlm.Tests;

/// <summary>A policy whose choices the test scripts, recording what it is asked to learn.</summary>
/// <remarks>A hand-written fake: spans cannot pass through a mocking library's argument matchers.</remarks>
public sealed class ScriptedPolicy(int armCount, int dimension) : IRoutingPolicy, IDisposable
{
    // The router estimates then chooses on one thread, with no await between: the context of the choice is the last estimated on it.
    [ThreadStatic]
    private static float[]? _lastContext;

    /// <summary>Gets a value indicating whether someone disposed the policy.</summary>
    public bool Disposed { get; private set; }

    /// <summary>Gets or sets the arm to choose for a context.</summary>
    public Func<float[], int> ChooseArm { get; set; } = _ => 0;

    /// <summary>Gets or sets the propensity to report.</summary>
    public double Propensity { get; set; } = 1.0;

    /// <summary>Gets the updates received, in order.</summary>
    public List<(int Arm, float[] Context, ArmObservation Observation)> Updates { get; } = [];

    /// <summary>Gets the contexts decisions were asked for.</summary>
    public List<float[]> Decisions { get; } = [];

    public string Name => "scripted";

    public int ArmCount => armCount;

    public int Dimension => dimension;

    public void Estimate(ReadOnlySpan<float> context, double estimatedInputTokens, Span<ArmEstimate> estimates)
    {
        var x = context.ToArray();
        lock (Decisions)
        {
            Decisions.Add(x);
        }

        _lastContext = x;
        for (int i = 0; i < estimates.Length; i++)
        {
            estimates[i] = new ArmEstimate(i / 10.0, 1 + i, new PredictedTokens(estimatedInputTokens, 0, 0, 0, 10));
        }
    }

    public PolicyDecision Choose(ReadOnlySpan<ArmEstimate> estimates, ReadOnlySpan<bool> eligible) =>
        new(ChooseArm(_lastContext ?? throw new InvalidOperationException("Choose before Estimate.")), Propensity);

    public void Update(int arm, ReadOnlySpan<float> context, ArmObservation observation)
    {
        var x = context.ToArray();
        lock (Updates)
        {
            Updates.Add((arm, x, observation));
        }
    }

    public void Fit(ReadOnlySpan<float> contexts, ReadOnlySpan<ArmObservation> observations, int count) =>
        throw new NotSupportedException("The scripted policy does not fit.");

    public IReadOnlyList<ArmStatistics> ExportStatistics() =>
        [.. Enumerable.Range(0, armCount).Select(_ => new ArmStatistics(dimension))];

    public void ImportStatistics(IReadOnlyList<ArmStatistics> statistics) =>
        throw new NotSupportedException("The scripted policy does not import.");

    public void Dispose() => Disposed = true;
}
