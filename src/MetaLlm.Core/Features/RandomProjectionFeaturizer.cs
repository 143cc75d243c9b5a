using System.Buffers;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>
/// Shrinks another featurizer's vectors to fewer features by a seeded random projection, plus a constant bias term in
/// the last position: decisions and updates cost O(d²) per arm, so 33 features instead of 385 take (385/33)² ≈ 136
/// times fewer multiply-adds, and a router that learns from scratch has fewer weights to learn.
/// </summary>
/// <remarks>
/// <para>
/// Each projected feature is the inner vector's dot product with a fixed random ±1/√k vector (k projections), which
/// keeps distances between requests within a small factor (Johnson–Lindenstrauss). The matrix is a function of the
/// seed and the sizes alone, so every instance and every restart with the same settings projects alike, and the
/// <see cref="Fingerprint"/> names them: a snapshot learned on other projections is refused.
/// </para>
/// <para>Thread-safe: the matrix is read-only after construction.</para>
/// </remarks>
public sealed class RandomProjectionFeaturizer : IRequestFeaturizer
{
    private readonly IRequestFeaturizer _inner;
    private readonly float[] _matrix;   // k rows of the inner dimension, row-major
    private readonly int _projections;

    /// <summary>Initializes a new instance of the <see cref="RandomProjectionFeaturizer"/> class.</summary>
    /// <param name="inner">The featurizer whose vectors are projected.</param>
    /// <param name="dimension">The number of features written, the bias included: from 2 to the inner featurizer's dimension.</param>
    /// <param name="seed">The seed of the projection matrix.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is less than 2 or more than the inner featurizer's dimension.</exception>
    public RandomProjectionFeaturizer(IRequestFeaturizer inner, int dimension, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 2);
        if (dimension > inner.Dimension)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"A projection of '{inner.Name}' ({inner.Dimension} features) must have fewer features than it, not {dimension}.");
        }

        _inner = inner;
        _projections = dimension - 1;
        Dimension = dimension;
        Seed = seed;
        Name = $"{inner.Name}-projected-{dimension}";
        Fingerprint = $"random-projection-v1;d={dimension};seed={seed};inner=({inner.Fingerprint})";

        // Rademacher entries scaled by 1/√k: exact in single precision, and the same on every platform for a seed.
        int n = inner.Dimension;
        _matrix = new float[_projections * n];
        float scale = 1f / MathF.Sqrt(_projections);
        var random = new Random(seed);
        for (int i = 0; i < _matrix.Length; i++)
        {
            _matrix[i] = random.Next(2) == 0 ? -scale : scale;
        }
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>Gets the seed of the projection matrix.</summary>
    public int Seed { get; }

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

        int n = _inner.Dimension;
        float[] rented = ArrayPool<float>.Shared.Rent(n);
        try
        {
            var inner = rented.AsMemory(0, n);
            await _inner.FeaturizeAsync(messages, options, inner, cancellationToken).ConfigureAwait(false);
            Project(inner.Span, destination.Span);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    private void Project(ReadOnlySpan<float> inner, Span<float> destination)
    {
        int n = inner.Length;
        for (int j = 0; j < _projections; j++)
        {
            destination[j] = TensorPrimitives.Dot(_matrix.AsSpan(j * n, n), inner);
        }

        destination[_projections] = 1f;
    }
}
