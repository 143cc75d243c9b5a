using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>
/// Routes on several featurizers at once: their vectors side by side, in order (for example MiniLM's sentence
/// embedding, for what a question means, beside hashed n-grams, for the words it uses).
/// </summary>
/// <remarks>
/// Each part keeps its own bias term, so the combined vector has one constant feature per part; ridge regression
/// handles the repetition. The <see cref="Fingerprint"/> names every part's fingerprint, in order, so a snapshot
/// learned on other parts or another order is refused. Thread-safe when its parts are.
/// </remarks>
public sealed class ConcatenatedFeaturizer : IRequestFeaturizer
{
    private readonly IRequestFeaturizer[] _parts;

    /// <summary>Initializes a new instance of the <see cref="ConcatenatedFeaturizer"/> class.</summary>
    /// <param name="parts">The featurizers, in the order their features are written; at least two.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parts"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Fewer than two parts are given, or the combined dimension exceeds <see cref="LinearPolicyOptions.MaxDimension"/>.</exception>
    public ConcatenatedFeaturizer(params IRequestFeaturizer[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length < 2)
        {
            throw new ArgumentException($"A concatenation needs at least two featurizers, but {parts.Length} were given.", nameof(parts));
        }

        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i] is null)
            {
                throw new ArgumentNullException(nameof(parts), $"Featurizer {i} of the concatenation is null.");
            }
        }

        _parts = [.. parts];
        long dimension = _parts.Sum(p => (long)p.Dimension);
        if (dimension > LinearPolicyOptions.MaxDimension)
        {
            throw new ArgumentException($"The featurizers write {dimension} features together, more than the {LinearPolicyOptions.MaxDimension} a linear policy accepts.", nameof(parts));
        }

        Dimension = (int)dimension;
        Name = string.Join("+", _parts.Select(p => p.Name));
        Fingerprint = "concatenation-v1;" + string.Join(";", _parts.Select(p => $"({p.Fingerprint})"));
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Fingerprint { get; }

    /// <inheritdoc />
    public async ValueTask FeaturizeAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, Memory<float> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (destination.Length != Dimension)
        {
            throw new ArgumentException($"The destination has length {destination.Length}, but the featurizer writes {Dimension} values.", nameof(destination));
        }

        var request = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        int offset = 0;
        foreach (var part in _parts)
        {
            await part.FeaturizeAsync(request, options, destination.Slice(offset, part.Dimension), cancellationToken).ConfigureAwait(false);
            offset += part.Dimension;
        }
    }
}
