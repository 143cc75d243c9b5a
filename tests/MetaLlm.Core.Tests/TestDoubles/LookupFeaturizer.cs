using Microsoft.Extensions.AI;

namespace MetaLlm.Tests;

/// <summary>A featurizer whose vector for a request is the one a test registered for the request's text, as given.</summary>
internal sealed class LookupFeaturizer(int dimension, string name = "lookup") : IRequestFeaturizer
{
    private readonly Dictionary<string, float[]> _vectors = new(StringComparer.Ordinal);

    public int Dimension { get; } = dimension;

    public string Name { get; } = name;

    /// <summary>Registers <paramref name="vector"/> under a new text and returns a request with that text.</summary>
    public List<ChatMessage> Add(float[] vector)
    {
        string key = $"#{_vectors.Count}";
        _vectors.Add(key, vector);
        return [new ChatMessage(ChatRole.User, key)];
    }

    public ValueTask FeaturizeAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, Memory<float> destination, CancellationToken cancellationToken = default)
    {
        _vectors[messages.Last().Text].CopyTo(destination);
        return default;
    }
}
