namespace MetaLlm.Tests;

/// <summary>A policy whose choices the test scripts, recording what it is asked to learn.</summary>
/// <remarks>A hand-written fake: spans cannot pass through a mocking library's argument matchers.</remarks>
public sealed class ScriptedPolicy(int armCount, int dimension) : IRoutingPolicy, IDisposable
{
    /// <summary>Gets a value indicating whether someone disposed the policy.</summary>
    public bool Disposed { get; private set; }

    /// <summary>Gets or sets the arm to choose for a context.</summary>
    public Func<float[], int> ChooseArm { get; set; } = _ => 0;

    /// <summary>Gets or sets the propensity to report.</summary>
    public double Propensity { get; set; } = 1.0;

    /// <summary>Gets the updates received, in order.</summary>
    public List<(int Arm, float[] Context, double Reward)> Updates { get; } = [];

    /// <summary>Gets the contexts decisions were asked for.</summary>
    public List<float[]> Decisions { get; } = [];

    public string Name => "scripted";

    public int ArmCount => armCount;

    public int Dimension => dimension;

    public PolicyDecision Decide(ReadOnlySpan<float> context, Span<ArmEstimate> estimates)
    {
        var x = context.ToArray();
        lock (Decisions)
        {
            Decisions.Add(x);
        }

        for (int i = 0; i < estimates.Length; i++)
        {
            estimates[i] = new ArmEstimate(i / 10.0, 1 + i);
        }

        return new PolicyDecision(ChooseArm(x), Propensity);
    }

    public void Update(int arm, ReadOnlySpan<float> context, double reward)
    {
        var x = context.ToArray();
        lock (Updates)
        {
            Updates.Add((arm, x, reward));
        }
    }

    public void Fit(ReadOnlySpan<float> contexts, ReadOnlySpan<double> rewards, int count) =>
        throw new NotSupportedException("The scripted policy does not fit.");

    public void Dispose() => Disposed = true;
}
