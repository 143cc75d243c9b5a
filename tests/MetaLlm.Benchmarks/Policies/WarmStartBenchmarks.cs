using BenchmarkDotNet.Attributes;

namespace MetaLlm.Benchmarks;

/// <summary>
/// Cost of the paper's warm start (<see cref="LinearBanditPolicy.Fit"/>), with and without choosing the penalties by
/// leave-one-out (<see cref="LinearBanditPolicy.FitWithPenaltySelection"/>): full-information examples, every arm's reward
/// known, as <c>MetaLlmRouter.WarmStartAsync</c> passes them. Sized like the dcrouter train split (5,608 questions,
/// 9 models) with MiniLM's 385 features and the hashing featurizer's 128.
/// </summary>
[MemoryDiagnoser]
public class WarmStartBenchmarks
{
    private float[] _contexts = null!;
    private ArmObservation[] _rewards = null!;

    /// <summary>Gets or sets the number of features.</summary>
    [Params(128, 385)]
    public int Dimension { get; set; }

    /// <summary>Gets or sets the number of arms.</summary>
    [Params(9)]
    public int Arms { get; set; }

    /// <summary>Gets or sets the number of examples.</summary>
    [Params(5608)]
    public int Examples { get; set; }

    /// <summary>Builds the examples.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _contexts = [.. BenchmarkInputs.CreateContexts(Examples, Dimension).SelectMany(c => c)];
        _rewards = [.. BenchmarkInputs.CreateRewards(Examples * Arms).Select(BenchmarkInputs.Observation)];
    }

    /// <summary>Fits a fresh LinUCB policy on every example with the configured penalty (no selection).</summary>
    [Benchmark(Baseline = true)]
    public double Fit()
    {
        using var policy = new LinUcbPolicy(Arms, Dimension, new() { PenaltySelection = RidgePenaltySelection.Configured });
        policy.Fit(_contexts, _rewards, Examples);
        return policy.GetScoreWeights(Arms - 1)[0];
    }

    /// <summary>Fits a fresh LinUCB policy after choosing each arm's penalty by leave-one-out (the default).</summary>
    [Benchmark]
    public double FitWithPenaltySelection()
    {
        using var policy = new LinUcbPolicy(Arms, Dimension);
        policy.FitWithPenaltySelection(_contexts, _rewards, Examples);
        return policy.GetScoreWeights(Arms - 1)[0];
    }
}
