using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.Experiments;

/// <summary>
/// Wraps a featurizer and remembers the vector of each request it has seen, keyed by the identity of its message
/// list: a replay asks the router about the same queries hundreds of times (every policy, λ and seed), and the
/// features of a query never change.
/// </summary>
/// <remarks>The router still calls this featurizer for every request and decides on its output.</remarks>
internal sealed class PrecomputedFeaturizer : IRequestFeaturizer
{
    private readonly IRequestFeaturizer _inner;
    private readonly ConcurrentDictionary<object, float[]> _vectors = new(ReferenceEqualityComparer.Instance);

    public PrecomputedFeaturizer(IRequestFeaturizer inner)
    {
        _inner = inner;
    }

    public int Dimension => _inner.Dimension;

    public string Name => _inner.Name;

    /// <summary>Computes the features of all requests up front, on all cores.</summary>
    public void Precompute(IEnumerable<IReadOnlyList<ChatMessage>> requests) =>
        Parallel.ForEach(requests, messages => GetOrCompute(messages));

    public ValueTask FeaturizeAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, Memory<float> destination, CancellationToken cancellationToken = default)
    {
        // Options never change features here (the inner featurizer ignores instructions unless asked), so identity of the messages is the key.
        GetOrCompute(messages).CopyTo(destination);
        return default;
    }

    private float[] GetOrCompute(IEnumerable<ChatMessage> messages) =>
        _vectors.GetOrAdd(messages, static (key, inner) =>
        {
            var vector = new float[inner.Dimension];
            var pending = inner.FeaturizeAsync((IEnumerable<ChatMessage>)key, null, vector);
            if (!pending.IsCompletedSuccessfully)
            {
                pending.AsTask().GetAwaiter().GetResult();
            }

            return vector;
        }, _inner);
}
