using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MetaLlm;

/// <summary>
/// One arm of a linear bandit: the exact double-precision <see cref="RidgeRegressionModel"/> and a compact copy of its
/// <c>A⁻¹</c> and <c>θ</c> that decisions read without taking a lock.
/// </summary>
/// <remarks>
/// <para>
/// The decision copy stores only the upper triangle of the symmetric <c>A⁻¹</c>, packed row by row, in
/// <typeparamref name="T"/> (float halves the bytes a decision streams through). There are two copies: a writer fills
/// the one no reader is using and publishes it with one atomic swap, so decisions never wait for an update and an
/// update waits only for decisions that started on the copy it is about to overwrite (a "left-right" scheme).
/// </para>
/// <para>
/// An update applies Sherman–Morrison to the decision copy in O(d²) over the packed triangle, and queues the
/// observation for the reference model. Every <see cref="BatchSize"/> observations, or whenever the reference state
/// is read, the queue is folded into the model in one cache-friendly batch and the decision copy is rebuilt from it,
/// so single-precision rounding never accumulates over more than one batch.
/// </para>
/// </remarks>
/// <typeparam name="T">The decision copy's number type: <see cref="float"/> or <see cref="double"/>.</typeparam>
internal sealed class ArmPosterior<T> : IArmPosterior
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The most observations queued before they are folded into the reference model.</summary>
    public const int BatchSize = 32;

    private readonly int _dimension;
    private readonly int _padded;          // the dimension rounded up to whole vectors
    private readonly int _packedLength;
    private readonly T[][] _copies = new T[2][];       // each: packed upper A⁻¹, then θ_score, then θ_output
    private readonly ReaderCounts _readers = new();
    private readonly float[] _queuedContexts;
    private readonly double[] _queuedScores = new double[BatchSize];
    private readonly double[] _queuedOutputs = new double[BatchSize];
    private readonly double[] _widened;
    private readonly T[] _inverseX;
    private readonly ArmScalarSums[] _publishedSums = new ArmScalarSums[2];
    private int _queued;
    private int _active;

    public ArmPosterior(int dimension, double regularization)
    {
        _dimension = dimension;
        _padded = PaddedLength(dimension);
        int width = Vector<T>.Count;
        for (int i = 0; i < dimension; i++)
        {
            _packedLength += _padded - (i - (i % width));
        }

        Model = new RidgeRegressionModel(dimension, regularization);
        _copies[0] = new T[_packedLength + (2 * _padded)];
        _copies[1] = new T[_packedLength + (2 * _padded)];
        _queuedContexts = new float[BatchSize * dimension];
        _widened = new double[BatchSize * dimension];
        _inverseX = new T[_padded];
        Rebuild(_copies[0]);
    }

    /// <summary>Gets the lock writers take; readers of <see cref="Evaluate"/> never take it.</summary>
    public object WriteLock { get; } = new();

    /// <summary>Gets the reference model; call <see cref="Synchronize"/> under <see cref="WriteLock"/> before reading it.</summary>
    public RidgeRegressionModel Model { get; }

    /// <summary>Gets the number of observations learned, including queued ones.</summary>
    public long ObservationCount => Model.ObservationCount + _queued;

    /// <summary>Gets the scalar sums (score, tokens) learned, queued observations included; read under <see cref="WriteLock"/>.</summary>
    public ArmScalarSums Sums { get; private set; }

    /// <summary>Gets the length of a context padded with zeros to whole vectors, as <see cref="Evaluate"/> and <see cref="Observe"/> take it.</summary>
    public int PaddedDimension => _padded;

    /// <summary>Rounds a dimension up to whole <see cref="Vector{T}"/>s.</summary>
    public static int PaddedLength(int dimension) => (dimension + Vector<T>.Count - 1) / Vector<T>.Count * Vector<T>.Count;

    /// <summary>
    /// Computes <c>xᵀθ_score</c>, <c>xᵀθ_output</c> and <c>xᵀA⁻¹x</c> from the published decision copy, and the
    /// scalar sums as published with it; safe alongside writers.
    /// </summary>
    /// <param name="x">The context, zero-padded to <see cref="PaddedDimension"/>.</param>
    public (double Score, double OutputTokens, double QuadraticForm, ArmScalarSums Sums) Evaluate(ReadOnlySpan<T> x)
    {
        int slot = _readers.Enter(ref _active);
        try
        {
            ReadOnlySpan<T> copy = _copies[slot];
            T score = TensorPrimitives.Dot(copy.Slice(_packedLength, _padded), x);
            T output = TensorPrimitives.Dot(copy.Slice(_packedLength + _padded, _padded), x);
            double quadratic = Math.Max(0, double.CreateTruncating(QuadraticForm(copy[.._packedLength], x)));
            return (double.CreateTruncating(score), double.CreateTruncating(output), quadratic, _publishedSums[slot]);
        }
        finally
        {
            _readers.Exit(slot);
        }
    }

    /// <summary>Learns one observation; the caller holds <see cref="WriteLock"/>.</summary>
    /// <param name="context">The context as given.</param>
    /// <param name="x">The same context in <typeparamref name="T"/>, zero-padded to <see cref="PaddedDimension"/>.</param>
    /// <param name="observation">The score and tokens observed.</param>
    public void Observe(ReadOnlySpan<float> context, ReadOnlySpan<T> x, in ArmObservation observation)
    {
        context.CopyTo(_queuedContexts.AsSpan(_queued * _dimension, _dimension));
        _queuedScores[_queued] = observation.Score;
        _queuedOutputs[_queued] = observation.Tokens.Output;
        _queued++;
        Sums = Sums.Add(observation);

        T[] spare = BeginWrite();
        if (_queued == BatchSize)
        {
            FoldQueue();
            Rebuild(spare);
        }
        else
        {
            ShermanMorrison(_copies[_active], spare, x, T.CreateTruncating(observation.Score), T.CreateTruncating((double)observation.Tokens.Output));
        }

        Publish();
    }

    /// <summary>Folds queued observations into the reference model; the caller holds <see cref="WriteLock"/>.</summary>
    public void Synchronize()
    {
        if (_queued > 0)
        {
            FoldQueue();
            T[] spare = BeginWrite();
            Rebuild(spare);
            Publish();
        }
    }

    /// <summary>Rebuilds the decision copy after the reference model was changed directly; the caller holds <see cref="WriteLock"/> and has synchronized.</summary>
    public void Refresh()
    {
        T[] spare = BeginWrite();
        Rebuild(spare);
        Publish();
    }

    /// <summary>Adds full-information sums to the arm (a warm start); the caller holds <see cref="WriteLock"/> and has synchronized.</summary>
    public void AddScalarSums(ArmScalarSums sums) => Sums = Sums.Add(sums);

    /// <summary>Copies everything the arm learned into <paramref name="destination"/>; the caller holds <see cref="WriteLock"/> and has synchronized.</summary>
    public void ExportTo(ArmStatistics destination)
    {
        Model.ExportTo(destination);
        Sums.CopyTo(destination);
    }

    /// <summary>Replaces the learned state with checked statistics, their penalty and their inverse , dropping queued observations; the caller holds <see cref="WriteLock"/>.</summary>
    public void Replace(ArmStatistics statistics, double penalty, bool chosen, double[] inverse)
    {
        Model.Apply(statistics, penalty, chosen, inverse);
        _queued = 0;
        Sums = ArmScalarSums.From(statistics);
        Refresh();
    }

    // The upper triangle is stored row by row; row i starts at the vector boundary at or before column i (the columns
    // before i are kept at zero) and runs to the padded end, so every row is whole vectors and needs no tail loop.
    // xᵀMx = Σ_i x_i (2 Σ_{j≥i} M_ij x_j − M_ii x_i); rows with x_i = 0 add nothing.
    private T QuadraticForm(ReadOnlySpan<T> packed, ReadOnlySpan<T> x)
    {
        int width = Vector<T>.Count;
        int vectors = _padded / width;
        if (packed.Length < _packedLength || x.Length < _padded)
        {
            throw new ArgumentException("The packed matrix or the context is too short.", nameof(x));
        }

        // Bounds were checked once above; the loops below run on references, which keeps this hottest loop free
        // of per-element range checks.
        ref T packedStart = ref MemoryMarshal.GetReference(packed);
        ref Vector<T> rowStart = ref Unsafe.As<T, Vector<T>>(ref packedStart);
        ref Vector<T> xStart = ref Unsafe.As<T, Vector<T>>(ref MemoryMarshal.GetReference(x));
        var total = Vector<T>.Zero;
        T diagonal = T.Zero;
        int position = 0;
        for (int i = 0; i < _dimension; i++)
        {
            int first = i / width;
            int length = vectors - first;
            T xi = Unsafe.Add(ref MemoryMarshal.GetReference(x), i);
            if (xi != T.Zero)
            {
                ref Vector<T> row = ref Unsafe.Add(ref rowStart, position);
                ref Vector<T> tail = ref Unsafe.Add(ref xStart, first);
                var even = Vector<T>.Zero;
                var odd = Vector<T>.Zero;
                int v = 0;
                for (; v + 1 < length; v += 2)
                {
                    even += Unsafe.Add(ref row, v) * Unsafe.Add(ref tail, v);
                    odd += Unsafe.Add(ref row, v + 1) * Unsafe.Add(ref tail, v + 1);
                }

                if (v < length)
                {
                    even += Unsafe.Add(ref row, v) * Unsafe.Add(ref tail, v);
                }

                total += (even + odd) * (xi + xi);
                diagonal += Unsafe.Add(ref packedStart, (position * width) + (i - (first * width))) * xi * xi;
            }

            position += length;
        }

        return Vector.Sum(total) - diagonal;
    }

    // Writes source − (A⁻¹x)(A⁻¹x)ᵀ / (1 + xᵀA⁻¹x) into destination, and θ + A⁻¹x·(y − xᵀθ)/(1 + xᵀA⁻¹x) for both
    // targets, the Sherman–Morrison step and the recursive least-squares update of θ that follows from it.
    private void ShermanMorrison(T[] source, T[] destination, ReadOnlySpan<T> x, T score, T outputTokens)
    {
        int width = Vector<T>.Count;
        int vectors = _padded / width;
        ReadOnlySpan<T> packed = source.AsSpan(0, _packedLength);
        ReadOnlySpan<Vector<T>> rows = MemoryMarshal.Cast<T, Vector<T>>(packed);
        ReadOnlySpan<Vector<T>> xs = MemoryMarshal.Cast<T, Vector<T>>(x);
        Span<T> u = _inverseX;
        Span<Vector<T>> us = MemoryMarshal.Cast<T, Vector<T>>(u);
        u.Clear();
        int position = 0;
        for (int i = 0; i < _dimension; i++)
        {
            // Row i gives u_i its j ≥ i terms and, by symmetry, every u_j (j ≥ i) its i-th term; u_i gets M_ii x_i
            // from both, so one is taken back.
            int first = i / width;
            int length = vectors - first;
            T xi = x[i];
            ReadOnlySpan<Vector<T>> row = rows.Slice(position, length);
            ReadOnlySpan<Vector<T>> tail = xs.Slice(first, length);
            Span<Vector<T>> target = us.Slice(first, length);
            var sum = Vector<T>.Zero;
            for (int v = 0; v < length; v++)
            {
                sum += row[v] * tail[v];
                target[v] += row[v] * xi;
            }

            u[i] += Vector.Sum(sum) - (packed[(position * width) + (i - (first * width))] * xi);
            position += length;
        }

        T denominator = T.One + TensorPrimitives.Dot(x, u);
        ReadOnlySpan<T> scoreTheta = source.AsSpan(_packedLength, _padded);
        ReadOnlySpan<T> outputTheta = source.AsSpan(_packedLength + _padded, _padded);
        T scoreError = score - TensorPrimitives.Dot(x, scoreTheta);
        T outputError = outputTokens - TensorPrimitives.Dot(x, outputTheta);
        TensorPrimitives.MultiplyAdd(u, scoreError / denominator, scoreTheta, destination.AsSpan(_packedLength, _padded));
        TensorPrimitives.MultiplyAdd(u, outputError / denominator, outputTheta, destination.AsSpan(_packedLength + _padded, _padded));

        Span<T> written = destination.AsSpan(0, _packedLength);
        Span<Vector<T>> outRows = MemoryMarshal.Cast<T, Vector<T>>(written);
        position = 0;
        for (int i = 0; i < _dimension; i++)
        {
            int first = i / width;
            int length = vectors - first;
            var scale = new Vector<T>(-u[i] / denominator);
            ReadOnlySpan<Vector<T>> row = rows.Slice(position, length);
            ReadOnlySpan<Vector<T>> tail = us.Slice(first, length);
            Span<Vector<T>> outRow = outRows.Slice(position, length);
            for (int v = 0; v < length; v++)
            {
                outRow[v] = row[v] + (tail[v] * scale);
            }

            // The columns before i in the row's first vector stay zero.
            written.Slice(position * width, i - (first * width)).Clear();
            position += length;
        }
    }

    private void FoldQueue()
    {
        int count = _queued * _dimension;
        ReadOnlySpan<float> source = _queuedContexts.AsSpan(0, count);
        Span<double> widened = _widened.AsSpan(0, count);
        for (int i = 0; i < count; i++)
        {
            widened[i] = source[i];
        }

        Model.AddObservations(widened, _queuedScores.AsSpan(0, _queued), _queuedOutputs.AsSpan(0, _queued), _queued);
        _queued = 0;
    }

    // Copies the reference model's upper triangle of A⁻¹ and θ into a decision copy.
    private void Rebuild(T[] destination)
    {
        int d = _dimension;
        int width = Vector<T>.Count;
        ReadOnlySpan<double> inverse = Model.Inverse;
        Array.Clear(destination);
        int offset = 0;
        for (int i = 0; i < d; i++)
        {
            int start = i - (i % width);
            Convert(inverse.Slice((i * d) + i, d - i), destination.AsSpan(offset + (i - start), d - i));
            offset += _padded - start;
        }

        Convert(Model.ScoreWeights, destination.AsSpan(_packedLength, d));
        Convert(Model.OutputTokenWeights, destination.AsSpan(_packedLength + _padded, d));
    }

    private static void Convert(ReadOnlySpan<double> source, Span<T> destination)
    {
        if (typeof(T) == typeof(double))
        {
            source.CopyTo(MemoryMarshal.Cast<T, double>(destination));
        }
        else if (typeof(T) == typeof(float))
        {
            TensorPrimitives.ConvertTruncating<double, float>(source, MemoryMarshal.Cast<T, float>(destination));
        }
        else
        {
            for (int i = 0; i < source.Length; i++)
            {
                destination[i] = T.CreateTruncating(source[i]);
            }
        }
    }

    // Waits until no reader is left on the spare copy; new readers cannot reach it until it is published.
    private T[] BeginWrite()
    {
        int spare = 1 - _active;
        _readers.WaitForNone(spare);
        return _copies[spare];
    }

    private void Publish()
    {
        _publishedSums[1 - _active] = Sums;
        Interlocked.Exchange(ref _active, 1 - _active);
    }

    /// <summary>How many readers are on each copy, on separate cache lines so the two counts do not contend.</summary>
    private sealed class ReaderCounts
    {
        private readonly int[] _counts = new int[32];

        public int Enter(ref int active)
        {
            while (true)
            {
                int slot = Volatile.Read(ref active);
                Interlocked.Increment(ref _counts[slot * 16]);

                // A writer may have swapped the copies between the read and the increment; then it may be
                // overwriting this slot, so step off and take the current one.
                if (Volatile.Read(ref active) == slot)
                {
                    return slot;
                }

                Interlocked.Decrement(ref _counts[slot * 16]);
            }
        }

        public void Exit(int slot) => Interlocked.Decrement(ref _counts[slot * 16]);

        public void WaitForNone(int slot)
        {
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _counts[slot * 16]) != 0)
            {
                spinner.SpinOnce();
            }
        }
    }
}

/// <summary>What a policy does with an arm outside the hot path, whatever the decision copy's number type.</summary>
internal interface IArmPosterior
{
    /// <summary>Gets the lock writers take.</summary>
    object WriteLock { get; }

    /// <summary>Gets the reference model.</summary>
    RidgeRegressionModel Model { get; }

    /// <summary>Gets the number of observations learned, including queued ones.</summary>
    long ObservationCount { get; }

    /// <summary>Folds queued observations into the reference model.</summary>
    void Synchronize();

    /// <summary>Rebuilds the decision copy from the reference model.</summary>
    void Refresh();

    /// <summary>Gets the scalar sums learned.</summary>
    ArmScalarSums Sums { get; }

    /// <summary>Adds full-information scalar sums.</summary>
    /// <param name="sums">The sums.</param>
    void AddScalarSums(ArmScalarSums sums);

    /// <summary>Copies everything learned into statistics.</summary>
    /// <param name="destination">The statistics.</param>
    void ExportTo(ArmStatistics destination);

    /// <summary>Replaces the learned state.</summary>
    /// <param name="statistics">The new state, checked.</param>
    /// <param name="penalty">The ridge penalty to use with it.</param>
    /// <param name="chosen">Whether the penalty was chosen (and is saved with the statistics) rather than configured.</param>
    /// <param name="inverse">Its inverse, prepared with that penalty.</param>
    void Replace(ArmStatistics statistics, double penalty, bool chosen, double[] inverse);
}
