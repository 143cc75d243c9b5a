using System.Buffers;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>
/// What <see cref="RandomProjectionFeaturizer"/> and <see cref="PrincipalComponentFeaturizer"/> share: an inner
/// featurizer's vector multiplied by fixed rows, each less an offset, and a constant bias term in the last position.
/// </summary>
/// <remarks>Read-only after construction, so thread-safe; the inner vector is written to a pooled buffer.</remarks>
internal sealed class LinearProjection
{
    private readonly IRequestFeaturizer _inner;
    private readonly float[] _rows;     // _count rows of the inner dimension, row-major
    private readonly float[]? _offsets; // subtracted from each row's dot product, or none
    private readonly int _count;

    public LinearProjection(IRequestFeaturizer inner, float[] rows, float[]? offsets)
    {
        _inner = inner;
        _rows = rows;
        _offsets = offsets;
        _count = rows.Length / inner.Dimension;
    }

    /// <summary>Gets the number of values written: one per row, plus the bias.</summary>
    public int Dimension => _count + 1;

    public async ValueTask FeaturizeAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, Memory<float> destination, CancellationToken cancellationToken)
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
        for (int j = 0; j < _count; j++)
        {
            float value = TensorPrimitives.Dot(_rows.AsSpan(j * n, n), inner);
            destination[j] = _offsets is null ? value : value - _offsets[j];
        }

        destination[_count] = 1f;
    }
}
