using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace MetaLlm.Benchmarks;

/// <summary>
/// What the router adds to a request: featurizing a 2 KB prompt, deciding, and tagging the response, against calling
/// the same no-op arm directly (the baselines).
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes the rig in the [GlobalCleanup] method.")]
public class RouterOverheadBenchmarks
{
    private RouterRig _rig = null!;

    /// <summary>Gets or sets the policy.</summary>
    [Params("linucb", "thompson")]
    public string Policy { get; set; } = "linucb";

    /// <summary>Gets or sets the prompt length in characters.</summary>
    [Params(2_000)]
    public int PromptLength { get; set; }

    /// <summary>Gets or sets the number of hashed features: the default 128, and 512, the default before it.</summary>
    [Params(128, 512)]
    public int Dimension { get; set; } = 128;

    /// <summary>Builds the router: 10 arms, <see cref="Dimension"/> hashed features.</summary>
    [GlobalSetup]
    public void Setup() => _rig = new RouterRig(Policy, arms: 10, dimension: Dimension, PromptLength);

    /// <summary>Releases the router.</summary>
    [GlobalCleanup]
    public void Cleanup() => _rig.Dispose();

    /// <summary>The arm alone.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("response")]
    public Task<ChatResponse> Direct() => _rig.DirectAsync();

    /// <summary>The arm through the router.</summary>
    [Benchmark]
    [BenchmarkCategory("response")]
    public Task<ChatResponse> Routed() => _rig.RoutedAsync();

    /// <summary>The arm alone, streaming.</summary>
    [Benchmark]
    [BenchmarkCategory("streaming")]
    public Task<int> DirectStreaming() => _rig.DirectStreamingAsync();

    /// <summary>The arm through the router, streaming.</summary>
    [Benchmark]
    [BenchmarkCategory("streaming")]
    public Task<int> RoutedStreaming() => _rig.RoutedStreamingAsync();
}
