using BenchmarkDotNet.Attributes;

namespace MetaLlm.Benchmarks;

/// <summary>
/// What a decision log adds to <c>MetaLlmRouter.RecordFeedback</c>: one append of a decision with the default 512
/// hashed features and 10 arms, in memory and as a JSON line into the file buffer (the file lives in the temp folder).
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes the file log in the [GlobalCleanup] method.")]
public class DecisionLogBenchmarks
{
    private LoggedDecision _decision = null!;
    private InMemoryDecisionLog _memory = null!;
    private JsonLinesDecisionLog _file = null!;
    private string _path = null!;

    /// <summary>Gets or sets the number of features.</summary>
    [Params(512)]
    public int Dimension { get; set; }

    /// <summary>Builds the decision and the logs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _decision = new LoggedDecision
        {
            DecisionId = "0123456789ab-1f",
            Timestamp = DateTimeOffset.UnixEpoch,
            PolicyName = "epsilon-greedy",
            ArmNames = [.. Enumerable.Range(0, 10).Select(i => $"arm-{i}")],
            Features = BenchmarkInputs.CreateContexts(1, Dimension)[0],
            EstimatedInputTokens = 512,
            Eligible = Enumerable.Repeat(true, 10).ToArray(),
            ArmIndex = 3,
            Propensity = 0.37,
            Score = 0.8,
            NormalizedCost = 0.1234,
            CostUsd = 0.00123m,
            CostWeight = 0.2,
        };
        _memory = new InMemoryDecisionLog(100_000);
        _path = Path.Combine(Path.GetTempPath(), $"metallm-bench-{Environment.ProcessId}.jsonl");
        _file = new JsonLinesDecisionLog(_path);
    }

    /// <summary>Closes and deletes the file.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _file.Dispose();
        File.Delete(_path);
    }

    /// <summary>Appends to the bounded in-memory log.</summary>
    [Benchmark(Baseline = true)]
    public void InMemory() => _memory.Append(_decision);

    /// <summary>Appends one JSON line to the file log.</summary>
    [Benchmark]
    public void JsonLines() => _file.Append(_decision);
}
