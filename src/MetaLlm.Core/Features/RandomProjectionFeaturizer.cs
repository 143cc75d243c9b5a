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
    private readonly LinearProjection _projection;

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

        int projections = dimension - 1;
        Dimension = dimension;
        Seed = seed;
        Name = $"{inner.Name}-projected-{dimension}";
        Fingerprint = $"random-projection-v1;d={dimension};seed={seed};inner=({inner.Fingerprint})";

        // Rademacher entries scaled by 1/√k: exact in single precision, and the same on every platform for a seed.
        int n = inner.Dimension;
        var matrix = new float[projections * n];
        float scale = 1f / MathF.Sqrt(projections);
        var random = new Random(seed);
        for (int i = 0; i < matrix.Length; i++)
        {
            matrix[i] = random.Next(2) == 0 ? -scale : scale;
        }

        _projection = new LinearProjection(inner, matrix, offsets: null);
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
    public ValueTask FeaturizeAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, Memory<float> destination, CancellationToken cancellationToken = default) =>
        _projection.FeaturizeAsync(messages, options, destination, cancellationToken);
}
