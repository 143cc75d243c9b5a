using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace MetaLlm.Benchmarks;

/// <summary>
/// What shrinking a MiniLM-sized vector (385 features) costs per request: the principal-component projection to 16
/// features and the random projection to 33, on top of an inner featurizer that only copies a fixed vector.
/// </summary>
[MemoryDiagnoser]
public class ProjectionFeaturizerBenchmarks
{
    private const int InnerDimension = 385;
    private readonly List<ChatMessage> _request = [new(ChatRole.User, "q")];
    private PrincipalComponentFeaturizer _principal = null!;
    private RandomProjectionFeaturizer _random = null!;
    private float[] _principalDestination = null!;
    private float[] _randomDestination = null!;

    /// <summary>Fits the principal components on 1,000 seeded random vectors.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var fixedVector = new float[InnerDimension];
        for (int i = 0; i < fixedVector.Length; i++)
        {
            fixedVector[i] = (float)(random.NextDouble() - 0.5);
        }

        var inner = new FixedFeaturizer(fixedVector);
        var samples = new float[1000 * InnerDimension];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)(random.NextDouble() - 0.5);
        }

        _principal = PrincipalComponentFeaturizer.Fit(inner, samples, 1000, 16);
        _random = new RandomProjectionFeaturizer(inner, 33, seed: 1);
        _principalDestination = new float[_principal.Dimension];
        _randomDestination = new float[_random.Dimension];
    }

    /// <summary>Featurizes through the principal-component projection to 16 features.</summary>
    [Benchmark]
    public float[] PrincipalComponents16()
    {
        Complete(_principal.FeaturizeAsync(_request, null, _principalDestination));
        return _principalDestination;
    }

    /// <summary>Featurizes through the random projection to 33 features.</summary>
    [Benchmark]
    public float[] RandomProjection33()
    {
        Complete(_random.FeaturizeAsync(_request, null, _randomDestination));
        return _randomDestination;
    }

    // Both complete synchronously over an inner featurizer that does; anything else would be a bug worth seeing.
    private static void Complete(ValueTask pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }
    }

    private sealed class FixedFeaturizer(float[] vector) : IRequestFeaturizer
    {
        public int Dimension => vector.Length;

        public string Name => "fixed";

        public ValueTask FeaturizeAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, Memory<float> destination, CancellationToken cancellationToken = default)
        {
            vector.CopyTo(destination);
            return default;
        }
    }
}
