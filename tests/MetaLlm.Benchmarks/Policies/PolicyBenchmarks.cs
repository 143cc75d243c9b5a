using BenchmarkDotNet.Attributes;

namespace MetaLlm.Benchmarks;

/// <summary>The latency of one decision and one update of each policy, over the dimensions and arm counts of issue 5.</summary>
[MemoryDiagnoser]
public class PolicyBenchmarks
{
    private LinearBanditPolicy _policy = null!;
    private float[][] _contexts = null!;
    private double[] _rewards = null!;
    private ArmEstimate[] _estimates = null!;
    private int _next;

    /// <summary>Gets or sets the policy under test.</summary>
    [ParamsSource(nameof(Policies))]
    public string Policy { get; set; } = "linucb";

    /// <summary>Gets or sets the number of features.</summary>
    [Params(64, 384, 1024)]
    public int Dimension { get; set; }

    /// <summary>Gets or sets the number of arms.</summary>
    [Params(4, 10, 32)]
    public int Arms { get; set; }

    /// <summary>Gets the policy names.</summary>
    public static IEnumerable<string> Policies => BenchmarkInputs.PolicyNames;

    /// <summary>Builds a policy that has already learned a little, so its matrices are not diagonal.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _policy = BenchmarkInputs.CreatePolicy(Policy, Arms, Dimension);
        _contexts = BenchmarkInputs.CreateContexts(64, Dimension);
        _rewards = BenchmarkInputs.CreateRewards(64);
        _estimates = new ArmEstimate[Arms];
        BenchmarkInputs.Warm(_policy, 4 * Arms);
    }

    /// <summary>Releases the policy.</summary>
    [GlobalCleanup]
    public void Cleanup() => _policy.Dispose();

    /// <summary>One decision.</summary>
    [Benchmark]
    public PolicyDecision Decide()
    {
        int i = _next++ & 63;
        return BenchmarkInputs.Decide(_policy, _contexts[i], _estimates);
    }

    /// <summary>One update of one arm.</summary>
    [Benchmark]
    public void Update()
    {
        int i = _next++;
        _policy.Update(i % Arms, _contexts[i & 63], BenchmarkInputs.Observation(_rewards[i & 63]));
    }
}
