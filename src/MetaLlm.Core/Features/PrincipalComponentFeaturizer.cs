using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>
/// Shrinks another featurizer's vectors to their leading principal components, fitted on sample requests without any
/// outcomes, plus a constant bias term in the last position: the few directions in which a user's own prompts differ
/// most (often which task they are) are kept, and a router that learns from scratch has far fewer weights to learn.
/// </summary>
/// <remarks>
/// <para>
/// Feature <c>j</c> is <c>(x − μ)·v_j</c>, the centred inner vector's coordinate along the <c>j</c>-th principal
/// direction of the samples (largest variance first); with <c>whiten</c> it is further divided by that direction's
/// standard deviation. Unlike a random projection it needs sample prompts (a few hundred of the traffic to route;
/// no scores, no costs), and the fit is deterministic for the same samples in the same order.
/// </para>
/// <para>
/// The fitted projection is part of what a router learns on: save <see cref="Mean"/>, <see cref="Components"/> and
/// <see cref="Scales"/> beside the router's state and rebuild the featurizer with the constructor after a restart.
/// The <see cref="Fingerprint"/> hashes them, so a snapshot learned on another projection is refused.
/// </para>
/// <para>Thread-safe: the projection is read-only after construction.</para>
/// </remarks>
public sealed class PrincipalComponentFeaturizer : IRequestFeaturizer
{
    // Directions whose variance is below this share of the largest are numerical noise, never kept.
    private const double RelativeVarianceFloor = 1e-10;

    private static readonly byte[] FileMagic = "MLPCA"u8.ToArray();
    private const byte FileVersion = 1;

    private readonly IRequestFeaturizer _inner;
    private readonly float[] _mean;
    private readonly float[] _directions;  // k rows of the inner dimension, row-major, as given
    private readonly float[] _scales;
    private readonly int _count;
    private readonly LinearProjection _projection;  // the rows divided by their scales, less μ·row

    /// <summary>Initializes a new instance of the <see cref="PrincipalComponentFeaturizer"/> class from a projection fitted before.</summary>
    /// <param name="inner">The featurizer whose vectors are projected.</param>
    /// <param name="mean">The mean of the samples' inner vectors: the inner featurizer's dimension of values.</param>
    /// <param name="components">The principal directions, row after row, each of the inner featurizer's dimension (usually unit length).</param>
    /// <param name="scales">One positive divisor per direction: 1 for plain coordinates, the direction's standard deviation to whiten.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The lengths do not match the inner dimension, there are no directions or as many as the inner dimension, or a value is not finite (a scale not positive).</exception>
    public PrincipalComponentFeaturizer(IRequestFeaturizer inner, ReadOnlySpan<float> mean, ReadOnlySpan<float> components, ReadOnlySpan<float> scales)
    {
        ArgumentNullException.ThrowIfNull(inner);
        int n = inner.Dimension;
        if (mean.Length != n)
        {
            throw new ArgumentException($"The mean has {mean.Length} values, but '{inner.Name}' writes {n} features.", nameof(mean));
        }

        if (scales.Length < 1 || scales.Length >= n)
        {
            throw new ArgumentException($"A projection of '{inner.Name}' ({n} features) needs from 1 to {n - 1} directions, not {scales.Length}.", nameof(scales));
        }

        if (components.Length != (long)scales.Length * n)
        {
            throw new ArgumentException($"{scales.Length} directions of {n} features need {(long)scales.Length * n} values, not {components.Length}.", nameof(components));
        }

        CheckFinite(mean, nameof(mean));
        CheckFinite(components, nameof(components));
        for (int j = 0; j < scales.Length; j++)
        {
            if (!float.IsFinite(scales[j]) || scales[j] <= 0)
            {
                throw new ArgumentException($"Scale {j} is {scales[j]}; every scale must be a positive finite number.", nameof(scales));
            }
        }

        _inner = inner;
        _count = scales.Length;
        _mean = mean.ToArray();
        _scales = scales.ToArray();
        _directions = components.ToArray();
        var rows = components.ToArray();
        var offsets = new float[_count];
        for (int j = 0; j < _count; j++)
        {
            var row = rows.AsSpan(j * n, n);
            TensorPrimitives.Divide(row, _scales[j], row);
            offsets[j] = TensorPrimitives.Dot(row, _mean);
        }

        _projection = new LinearProjection(inner, rows, offsets);

        Dimension = _count + 1;
        Name = $"{inner.Name}-pca-{Dimension}";
        Fingerprint = $"pca-v1;d={Dimension};inner=({inner.Fingerprint});sha256={Hash(mean, components, scales)}";
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Fingerprint { get; }

    /// <summary>Gets the mean of the samples' inner vectors.</summary>
    public ReadOnlyMemory<float> Mean => _mean;

    /// <summary>Gets the principal directions (unit length, largest variance first), row after row, each of the inner featurizer's dimension.</summary>
    public ReadOnlyMemory<float> Components => _directions;

    /// <summary>Gets the divisor of each direction: 1 for plain coordinates, its standard deviation when whitened.</summary>
    public ReadOnlyMemory<float> Scales => _scales;

    /// <summary>Fits the leading principal components of <paramref name="inner"/>'s vectors of sample requests.</summary>
    /// <param name="inner">The featurizer whose vectors are projected.</param>
    /// <param name="samples">Sample requests, ideally a few hundred or more of the traffic to route (their text is featurized, not kept).</param>
    /// <param name="dimension">The number of features written, the bias included: from 2 to the inner featurizer's dimension.</param>
    /// <param name="whiten">Whether to divide each coordinate by its direction's standard deviation, so every kept direction has unit variance on the samples.</param>
    /// <param name="cancellationToken">Cancels featurizing the samples.</param>
    /// <returns>The fitted featurizer; fewer directions than asked when the samples vary in fewer (<see cref="Dimension"/> says how many).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/>, <paramref name="samples"/> or a sample is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is less than 2 or more than the inner featurizer's dimension.</exception>
    /// <exception cref="ArgumentException">Fewer than two samples are given, or they do not vary at all.</exception>
    public static async Task<PrincipalComponentFeaturizer> FitAsync(
        IRequestFeaturizer inner, IEnumerable<IEnumerable<ChatMessage>> samples, int dimension, bool whiten = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(samples);
        CheckDimension(inner, dimension);
        int n = inner.Dimension;
        var vectors = new List<float>();
        int count = 0;
        foreach (var sample in samples)
        {
            if (sample is null)
            {
                throw new ArgumentNullException(nameof(samples), $"Sample {count} is null.");
            }

            var x = new float[n];
            await inner.FeaturizeAsync(sample, null, x, cancellationToken).ConfigureAwait(false);
            vectors.AddRange(x);
            count++;
        }

        return Fit(inner, CollectionsMarshal.AsSpan(vectors), count, dimension, whiten);
    }

    /// <summary>Fits the leading principal components of vectors <paramref name="inner"/> wrote for sample requests.</summary>
    /// <param name="inner">The featurizer whose vectors are projected.</param>
    /// <param name="vectors">The samples' inner vectors, row after row.</param>
    /// <param name="count">The number of samples.</param>
    /// <param name="dimension">The number of features written, the bias included: from 2 to the inner featurizer's dimension.</param>
    /// <param name="whiten">Whether to divide each coordinate by its direction's standard deviation.</param>
    /// <returns>The fitted featurizer; fewer directions than asked when the samples vary in fewer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is less than 2 or more than the inner featurizer's dimension.</exception>
    /// <exception cref="ArgumentException">The vectors' length is not <paramref name="count"/> rows of the inner dimension, a value is not finite, fewer than two samples are given, or they do not vary at all.</exception>
    public static PrincipalComponentFeaturizer Fit(IRequestFeaturizer inner, ReadOnlySpan<float> vectors, int count, int dimension, bool whiten = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        CheckDimension(inner, dimension);
        int n = inner.Dimension;
        if (count < 2)
        {
            throw new ArgumentException($"Fitting principal components needs at least two samples, not {count}.", nameof(count));
        }

        if (vectors.Length != (long)count * n)
        {
            throw new ArgumentException($"{count} samples of {n} features need {(long)count * n} values, not {vectors.Length}.", nameof(vectors));
        }

        CheckFinite(vectors, nameof(vectors));

        var mean = new double[n];
        for (int i = 0; i < count; i++)
        {
            var row = vectors.Slice(i * n, n);
            for (int c = 0; c < n; c++)
            {
                mean[c] += row[c];
            }
        }

        TensorPrimitives.Divide(mean, count, mean);
        var centred = new double[count * n];
        for (int i = 0; i < count; i++)
        {
            var row = vectors.Slice(i * n, n);
            var target = centred.AsSpan(i * n, n);
            for (int c = 0; c < n; c++)
            {
                target[c] = row[c] - mean[c];
            }
        }

        var (directions, variances) = LeadingDirections(centred, count, n, dimension - 1);
        if (variances.Length == 0)
        {
            throw new ArgumentException($"The {count} samples' vectors are all the same: there is no direction to keep.", nameof(vectors));
        }

        var scales = new float[variances.Length];
        for (int j = 0; j < scales.Length; j++)
        {
            scales[j] = whiten ? (float)Math.Sqrt(variances[j]) : 1f;
            if (!(scales[j] > 0))
            {
                scales[j] = 1f;
            }
        }

        return new PrincipalComponentFeaturizer(inner, [.. mean.Select(v => (float)v)], directions, scales);
    }

    /// <summary>
    /// Writes the fitted projection to <paramref name="path"/> (a temporary file beside it, then renamed over it, so a
    /// crash while saving leaves the previous file whole), for <see cref="Load(string, IRequestFeaturizer)"/> after a
    /// restart or on another instance. The file holds numbers only: no prompt text.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string temporary = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Save(file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Writes the fitted projection to <paramref name="stream"/>, with a checksum and the inner featurizer's fingerprint.</summary>
    /// <param name="stream">A writable stream; left open.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FileMagic);
            writer.Write(FileVersion);
            writer.Write(_inner.Fingerprint);
            writer.Write(_inner.Dimension);
            writer.Write(_count);
            writer.Write(MemoryMarshal.AsBytes(_mean.AsSpan()));
            writer.Write(MemoryMarshal.AsBytes(_directions.AsSpan()));
            writer.Write(MemoryMarshal.AsBytes(_scales.AsSpan()));
        }

        var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        stream.Write(body);
        stream.Write(SHA256.HashData(body));
    }

    /// <summary>Reads a projection <see cref="Save(string)"/> wrote, on top of the same inner featurizer.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="inner">The featurizer the projection was fitted on (the same settings: its fingerprint is checked).</param>
    /// <returns>A featurizer that projects exactly as the saved one did.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space, or <paramref name="inner"/> is not the featurizer the projection was fitted on.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a saved projection, or it is damaged.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static PrincipalComponentFeaturizer Load(string path, IRequestFeaturizer inner)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(inner);
        using var file = File.OpenRead(path);
        return Load(file, inner);
    }

    /// <summary>Reads a projection <see cref="Save(Stream)"/> wrote, on top of the same inner featurizer.</summary>
    /// <param name="stream">A readable stream positioned at the projection; read to its end.</param>
    /// <param name="inner">The featurizer the projection was fitted on (its fingerprint is checked).</param>
    /// <returns>A featurizer that projects exactly as the saved one did.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="inner"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="inner"/> is not the featurizer the projection was fitted on.</exception>
    /// <exception cref="InvalidDataException">The stream does not hold a saved projection, or it is damaged.</exception>
    public static PrincipalComponentFeaturizer Load(Stream stream, IRequestFeaturizer inner)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(inner);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.GetBuffer().AsSpan(0, (int)copy.Length);
        if (bytes.Length < FileMagic.Length + SHA256.HashSizeInBytes || !bytes.StartsWith(FileMagic))
        {
            throw new InvalidDataException("This is not a saved principal-component projection.");
        }

        var body = bytes[..^SHA256.HashSizeInBytes];
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes[^SHA256.HashSizeInBytes..]))
        {
            throw new InvalidDataException("The saved principal-component projection is damaged: its checksum does not match.");
        }

        using var reader = new BinaryReader(new MemoryStream(copy.GetBuffer(), 0, body.Length, writable: false), System.Text.Encoding.UTF8);
        reader.ReadBytes(FileMagic.Length);
        byte version = reader.ReadByte();
        if (version != FileVersion)
        {
            throw new InvalidDataException($"The saved principal-component projection has format {version}; this version reads format {FileVersion}.");
        }

        string fingerprint = reader.ReadString();
        int n = reader.ReadInt32();
        int count = reader.ReadInt32();
        if (!string.Equals(fingerprint, inner.Fingerprint, StringComparison.Ordinal) || n != inner.Dimension)
        {
            throw new ArgumentException(
                $"The projection was fitted on the featurizer '{fingerprint}' ({n} features), not on '{inner.Fingerprint}' ({inner.Dimension} features).", nameof(inner));
        }

        long expected = ((long)n + ((long)count * n) + count) * sizeof(float);
        if (count < 1 || count >= n || reader.BaseStream.Length - reader.BaseStream.Position != expected)
        {
            throw new InvalidDataException($"The saved principal-component projection's sizes ({count} directions of {n} features) do not match its length.");
        }

        float[] ReadFloats(int length)
        {
            var values = new float[length];
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            return values;
        }

        var mean = ReadFloats(n);
        var components = ReadFloats(count * n);
        var scales = ReadFloats(count);
        try
        {
            return new PrincipalComponentFeaturizer(inner, mean, components, scales);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The saved principal-component projection is not valid: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public ValueTask FeaturizeAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, Memory<float> destination, CancellationToken cancellationToken = default) =>
        _projection.FeaturizeAsync(messages, options, destination, cancellationToken);

    // The top `wanted` eigenvectors of the centred samples' covariance (unit rows, largest first) and their variances,
    // from the smaller of the d×d scatter and the n×n Gram matrix.
    private static (float[] Directions, double[] Variances) LeadingDirections(double[] centred, int count, int n, int wanted)
    {
        bool gram = count < n;
        int size = gram ? count : n;
        var matrix = new double[size * size];
        if (gram)
        {
            for (int i = 0; i < count; i++)
            {
                var a = centred.AsSpan(i * n, n);
                for (int j = 0; j <= i; j++)
                {
                    double dot = TensorPrimitives.Dot(a, centred.AsSpan(j * n, n));
                    matrix[(i * size) + j] = dot;
                    matrix[(j * size) + i] = dot;
                }
            }
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                var row = centred.AsSpan(i * n, n);
                for (int r = 0; r < n; r++)
                {
                    if (row[r] != 0)
                    {
                        TensorPrimitives.MultiplyAdd(row, row[r], matrix.AsSpan(r * n, n), matrix.AsSpan(r * n, n));
                    }
                }
            }
        }

        var evd = Matrix<double>.Build.Dense(size, size, matrix).Evd(Symmetricity.Symmetric);
        var values = evd.EigenValues.Select(v => v.Real).ToArray();
        var vectors = evd.EigenVectors;
        var order = Enumerable.Range(0, size).OrderByDescending(j => values[j]).ToArray();
        double largest = Math.Max(values[order[0]], 0);
        var kept = order.Where(j => values[j] > largest * RelativeVarianceFloor && values[j] > 0).Take(wanted).ToArray();

        var directions = new float[kept.Length * n];
        var variances = new double[kept.Length];
        var direction = new double[n];
        for (int k = 0; k < kept.Length; k++)
        {
            int j = kept[k];
            if (gram)
            {
                // v = Xᵀu / ‖Xᵀu‖ for the Gram matrix's eigenvector u.
                Array.Clear(direction);
                for (int i = 0; i < count; i++)
                {
                    TensorPrimitives.MultiplyAdd(centred.AsSpan(i * n, n), vectors[i, j], direction, direction);
                }
            }
            else
            {
                for (int c = 0; c < n; c++)
                {
                    direction[c] = vectors[c, j];
                }
            }

            double norm = TensorPrimitives.Norm<double>(direction);

            // A deterministic sign: the entry of largest magnitude is positive.
            int peak = TensorPrimitives.IndexOfMaxMagnitude<double>(direction);
            double sign = direction[peak] < 0 ? -1 : 1;
            for (int c = 0; c < n; c++)
            {
                directions[(k * n) + c] = (float)(sign * direction[c] / norm);
            }

            variances[k] = values[j] / (count - 1);
        }

        return (directions, variances);
    }

    private static void CheckDimension(IRequestFeaturizer inner, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 2);
        if (dimension > inner.Dimension)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"A projection of '{inner.Name}' ({inner.Dimension} features) must have at most as many features as it, not {dimension}.");
        }
    }

    private static void CheckFinite(ReadOnlySpan<float> values, string parameterName)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ArgumentException($"Value {i} is {values[i]}; every value must be finite.", parameterName);
            }
        }
    }

    private static string Hash(ReadOnlySpan<float> mean, ReadOnlySpan<float> components, ReadOnlySpan<float> scales)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(MemoryMarshal.AsBytes(mean));
        hash.AppendData(MemoryMarshal.AsBytes(components));
        hash.AppendData(MemoryMarshal.AsBytes(scales));
        return Convert.ToHexString(hash.GetHashAndReset(), 0, 8).ToLowerInvariant();
    }
}
