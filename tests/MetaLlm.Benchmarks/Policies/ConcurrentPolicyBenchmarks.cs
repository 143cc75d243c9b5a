using BenchmarkDotNet.Attributes;

namespace MetaLlm.Benchmarks;

/// <summary>
/// Throughput of a mixed load, nine decisions for every update, spread over one or two threads: shows whether decisions
/// keep flowing while updates are applied.
/// </summary>
[MemoryDiagnoser]
public class ConcurrentPolicyBenchmarks
{
    private const int OperationsPerThread = 200;

    private LinearBanditPolicy _policy = null!;
    private float[][] _contexts = null!;
    private double[] _rewards = null!;

    /// <summary>Gets or sets the policy under test.</summary>
    [Params("linucb", "thompson")]
    public string Policy { get; set; } = "linucb";

    /// <summary>Gets or sets the number of features.</summary>
    [Params(384)]
    public int Dimension { get; set; }

    /// <summary>Gets or sets the number of arms.</summary>
    [Params(10)]
    public int Arms { get; set; }

    /// <summary>Gets or sets the number of threads that decide and update at once.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds the policy.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _policy = BenchmarkInputs.CreatePolicy(Policy, Arms, Dimension);
        _contexts = BenchmarkInputs.CreateContexts(64, Dimension);
        _rewards = BenchmarkInputs.CreateRewards(64);
        BenchmarkInputs.Warm(_policy, 4 * Arms);
    }

    /// <summary>Releases the policy.</summary>
    [GlobalCleanup]
    public void Cleanup() => _policy.Dispose();

    /// <summary>Each thread makes <see cref="OperationsPerThread"/> operations; the time is per operation overall.</summary>
    [Benchmark(OperationsPerInvoke = OperationsPerThread * 2)]
    public void DecideAndUpdate()
    {
        // The same total work on one or two threads, so the per-operation times compare directly.
        int perThread = OperationsPerThread * 2 / Threads;
        if (Threads == 1)
        {
            Run(0, perThread);
            return;
        }

        var tasks = new Task[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int offset = t * 17;
            tasks[t] = Task.Factory.StartNew(() => Run(offset, perThread), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        Task.WaitAll(tasks);
    }

    private void Run(int offset, int operations)
    {
        Span<ArmEstimate> estimates = stackalloc ArmEstimate[Arms];
        for (int n = 0; n < operations; n++)
        {
            int i = (offset + n) & 63;
            if (n % 10 == 9)
            {
                _policy.Update((offset + n) % Arms, _contexts[i], BenchmarkInputs.Observation(_rewards[i]));
            }
            else
            {
                BenchmarkInputs.Decide(_policy, _contexts[i], estimates);
            }
        }
    }
}
