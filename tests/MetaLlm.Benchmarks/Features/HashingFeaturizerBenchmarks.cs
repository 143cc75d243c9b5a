using BenchmarkDotNet.Attributes;

namespace MetaLlm.Benchmarks;

/// <summary>How fast the hashing featurizer turns prompts of 200 B, 2 KB and 20 KB into a 512-feature vector.</summary>
[MemoryDiagnoser]
public class HashingFeaturizerBenchmarks
{
    private readonly HashingFeaturizer _featurizer = new(512);
    private readonly float[] _destination = new float[512];
    private string _prompt = string.Empty;

    /// <summary>Gets or sets the prompt length in characters (ASCII, so bytes).</summary>
    [Params(200, 2_000, 20_000)]
    public int PromptLength { get; set; }

    /// <summary>Builds the prompt.</summary>
    [GlobalSetup]
    public void Setup() => _prompt = BenchmarkInputs.CreatePrompt(PromptLength);

    /// <summary>Featurizes the prompt.</summary>
    [Benchmark]
    public float[] Featurize()
    {
        _featurizer.Featurize(_prompt, _destination);
        return _destination;
    }
}
