using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>Turns a chat request into the fixed-length feature vector a routing policy decides on.</summary>
/// <remarks>Implementations must be thread-safe and deterministic: the same request gives the same vector.</remarks>
public interface IRequestFeaturizer
{
    /// <summary>Gets the length of the feature vectors this featurizer writes.</summary>
    int Dimension { get; }

    /// <summary>Gets a short description of the featurizer for reports, for example <c>hashing-512</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Gets a fingerprint of every setting that changes the vectors (for example the hash seed, or the embedding
    /// model): a router refuses a snapshot learned under another fingerprint. Defaults to <see cref="Name"/>.
    /// </summary>
    string Fingerprint => Name;

    /// <summary>Writes the features of a request into <paramref name="destination"/>.</summary>
    /// <param name="messages">The request's messages.</param>
    /// <param name="options">The request's options, or <see langword="null"/>.</param>
    /// <param name="destination">Receives exactly <see cref="Dimension"/> finite values.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the features are written.</returns>
    ValueTask FeaturizeAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, Memory<float> destination, CancellationToken cancellationToken = default);
}
