using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace MetaLlm;

/// <summary>
/// The shared machinery of the linear contextual bandits: one <see cref="RidgeRegressionModel"/> per arm (disjoint
/// models), a seeded random source, and argument checks. Decisions read a compact per-arm copy of each model's
/// <c>A⁻¹</c> and <c>θ</c> without locks, so they run concurrently with each other and with updates.
/// </summary>
/// <remarks>
/// Each arm has its own write lock, so updates of different arms run in parallel. The double-precision models stay
/// the reference: <see cref="GetWeights"/>, <see cref="ExportState"/> and <see cref="Fit"/> see exactly what
/// one Sherman–Morrison step per observation would give. See <see cref="LinearPolicyOptions.DecisionPrecision"/>.
/// </remarks>
public abstract class LinearBanditPolicy : IRoutingPolicy, IDisposable
{
    // Below this many features a decision is cheap in double precision, so single precision buys nothing.
    private const int SinglePrecisionThreshold = 64;

    // Contexts up to this size are converted on the stack; larger ones use pooled arrays.
    private const int MaxStackBytes = 8192;

    // The same per-arm objects, typed for the hot path (exactly one of the two is set) and untyped for the rest.
    private readonly ArmPosterior<float>[]? _single;
    private readonly ArmPosterior<double>[]? _double;
    private readonly IArmPosterior[] _arms;
    private readonly Random _random;
    private readonly object _randomLock = new();
    private volatile bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="LinearBanditPolicy"/> class.</summary>
    /// <param name="armCount">The number of arms; at least 1.</param>
    /// <param name="dimension">The number of features; from 1 to <see cref="LinearPolicyOptions.MaxDimension"/>.</param>
    /// <param name="options">The shared options.</param>
    protected LinearBanditPolicy(int armCount, int dimension, LinearPolicyOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(armCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (dimension > LinearPolicyOptions.MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"A linear policy keeps d×d matrices per arm and accepts at most {LinearPolicyOptions.MaxDimension} features.");
        }

        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        ArmCount = armCount;
        Dimension = dimension;
        bool single = options.DecisionPrecision switch
        {
            DecisionPrecision.SinglePrecision => true,
            DecisionPrecision.DoublePrecision => false,
            _ => dimension >= SinglePrecisionThreshold,
        };

        if (single)
        {
            _single = CreateArms<float>(armCount, dimension, options.Regularization);
            _arms = _single;
        }
        else
        {
            _double = CreateArms<double>(armCount, dimension, options.Regularization);
            _arms = _double;
        }

        _random = options.Random ?? (options.Seed is int seed ? new Random(seed) : new Random());
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public int ArmCount { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>Gets the precision decisions are computed in: <see cref="DecisionPrecision.SinglePrecision"/> or <see cref="DecisionPrecision.DoublePrecision"/>.</summary>
    public DecisionPrecision EffectiveDecisionPrecision => _single is not null ? DecisionPrecision.SinglePrecision : DecisionPrecision.DoublePrecision;

    /// <inheritdoc />
    public PolicyDecision Decide(ReadOnlySpan<float> context, Span<ArmEstimate> estimates)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckContext(context);
        if (estimates.Length != ArmCount)
        {
            throw new ArgumentException($"The estimates span has length {estimates.Length}, but the policy has {ArmCount} arms.", nameof(estimates));
        }

        if (_single is not null)
        {
            Estimate(_single, context, estimates);
        }
        else
        {
            Estimate(_double!, context, estimates);
        }

        lock (_randomLock)
        {
            return Choose(estimates, _random);
        }
    }

    /// <inheritdoc />
    public void Update(int arm, ReadOnlySpan<float> context, double reward)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckArm(arm);
        CheckContext(context);
        if (!double.IsFinite(reward))
        {
            throw new ArgumentOutOfRangeException(nameof(reward), reward, "The reward must be a finite number.");
        }

        if (_single is not null)
        {
            Observe(_single[arm], context, reward);
        }
        else
        {
            Observe(_double![arm], context, reward);
        }
    }

    /// <inheritdoc />
    public void Fit(ReadOnlySpan<float> contexts, ReadOnlySpan<double> rewards, int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int d = Dimension;
        int k = ArmCount;
        if (contexts.Length != (long)count * d)
        {
            throw new ArgumentException($"Expected {count} contexts of {d} features ({(long)count * d} values), got {contexts.Length}.", nameof(contexts));
        }

        if (rewards.Length != (long)count * k)
        {
            throw new ArgumentException($"Expected {count} rows of {k} rewards ({(long)count * k} values), got {rewards.Length}.", nameof(rewards));
        }

        for (int i = 0; i < contexts.Length; i++)
        {
            if (!float.IsFinite(contexts[i]))
            {
                throw new ArgumentException($"Context {i / d} has a non-finite feature at index {i % d}.", nameof(contexts));
            }
        }

        for (int i = 0; i < rewards.Length; i++)
        {
            if (!double.IsFinite(rewards[i]))
            {
                throw new ArgumentException($"The reward of arm {i % k} on example {i / k} is not finite.", nameof(rewards));
            }
        }

        if (count == 0)
        {
            return;
        }

        // Full information: every arm sees every example, so Σ x xᵀ is shared and only Σ r x differs per arm. Only its
        // upper triangle is accumulated (it is symmetric), then mirrored.
        var gram = new double[d * d];
        var targets = new double[k * d];
        var x = new double[d];
        for (int n = 0; n < count; n++)
        {
            TensorPrimitives.ConvertTruncating<float, double>(contexts.Slice(n * d, d), x);
            for (int i = 0; i < d; i++)
            {
                double xi = x[i];
                if (xi != 0)
                {
                    Span<double> row = gram.AsSpan((i * d) + i, d - i);
                    TensorPrimitives.MultiplyAdd(x.AsSpan(i), xi, row, row);
                }
            }

            for (int arm = 0; arm < k; arm++)
            {
                Span<double> target = targets.AsSpan(arm * d, d);
                TensorPrimitives.MultiplyAdd(x, rewards[(n * k) + arm], target, target);
            }
        }

        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < i; j++)
            {
                gram[(i * d) + j] = gram[(j * d) + i];
            }
        }

        EnterAll();
        try
        {
            // Arms that start alike (a fresh policy) end alike: they share one inversion instead of one each.
            for (int arm = 0; arm < k; arm++)
            {
                _arms[arm].Synchronize();
                _arms[arm].Model.AddBatch(gram, targets.AsSpan(arm * d, d), count, arm > 0 ? _arms[arm - 1].Model : null);
                _arms[arm].Refresh();
            }
        }
        finally
        {
            ExitAll();
        }
    }

    /// <summary>Copies the learned state of every arm into a serialisable value.</summary>
    /// <returns>The state, one entry per arm in arm order.</returns>
    public IReadOnlyList<RidgeModelState> ExportState()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnterAll();
        try
        {
            var state = new RidgeModelState[ArmCount];
            for (int arm = 0; arm < ArmCount; arm++)
            {
                _arms[arm].Synchronize();
                state[arm] = _arms[arm].Model.ExportState();
            }

            return state;
        }
        finally
        {
            ExitAll();
        }
    }

    /// <summary>Replaces the learned state of every arm; nothing changes if any entry does not fit.</summary>
    /// <param name="state">One entry per arm, in arm order.</param>
    /// <exception cref="ArgumentException">The state does not fit this policy.</exception>
    public void ImportState(IReadOnlyList<RidgeModelState> state)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(state);
        if (state.Count != ArmCount)
        {
            throw new ArgumentException($"The state has {state.Count} arms, but the policy has {ArmCount}.", nameof(state));
        }

        foreach (var arm in state)
        {
            if (arm is null || arm.Dimension != Dimension || arm.Gram.Length != Dimension * Dimension || arm.Targets.Length != Dimension)
            {
                throw new ArgumentException($"Every arm's state must have dimension {Dimension}.", nameof(state));
            }
        }

        EnterAll();
        try
        {
            for (int i = 0; i < ArmCount; i++)
            {
                _arms[i].Replace(state[i]);
            }
        }
        finally
        {
            ExitAll();
        }
    }

    /// <summary>Gets a copy of an arm's current weights θ.</summary>
    /// <param name="arm">The arm's index.</param>
    /// <returns>A copy of θ.</returns>
    public double[] GetWeights(int arm)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckArm(arm);
        object gate = _arms[arm].WriteLock;
        lock (gate)
        {
            _arms[arm].Synchronize();
            return _arms[arm].Model.Weights.ToArray();
        }
    }

    /// <summary>Gets the number of observations an arm has learned from.</summary>
    /// <param name="arm">The arm's index.</param>
    /// <returns>The count.</returns>
    public long GetObservationCount(int arm)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckArm(arm);
        lock (_arms[arm].WriteLock)
        {
            return _arms[arm].ObservationCount;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Marks the policy as disposed: from then on every operation throws <see cref="ObjectDisposedException"/>.</summary>
    /// <param name="disposing">Whether managed resources are released.</param>
    protected virtual void Dispose(bool disposing)
    {
        _disposed = true;
    }

    /// <summary>Chooses an arm from the per-arm estimates; called under the policy's random-source lock.</summary>
    /// <param name="estimates">Each arm's predicted reward and uncertainty, already filled.</param>
    /// <param name="random">The policy's seeded random source.</param>
    /// <returns>The chosen arm and its propensity.</returns>
    protected abstract PolicyDecision Choose(ReadOnlySpan<ArmEstimate> estimates, Random random);

    /// <summary>Returns the index with the largest score, breaking ties uniformly at random, and the number of tied arms.</summary>
    /// <param name="scores">The scores.</param>
    /// <param name="random">The random source for tie-breaking.</param>
    /// <returns>The chosen index and how many arms shared the maximum.</returns>
    protected static (int Index, int Ties) ArgMax(ReadOnlySpan<double> scores, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int best = 0;
        int ties = 1;
        for (int i = 1; i < scores.Length; i++)
        {
            if (scores[i] > scores[best])
            {
                best = i;
                ties = 1;
            }
            else if (scores[i] == scores[best])
            {
                // Reservoir sampling keeps each tied index with equal probability.
                ties++;
                if (random.Next(ties) == 0)
                {
                    best = i;
                }
            }
        }

        return (best, ties);
    }

    private static ArmPosterior<T>[] CreateArms<T>(int armCount, int dimension, double regularization)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var arms = new ArmPosterior<T>[armCount];
        for (int i = 0; i < armCount; i++)
        {
            arms[i] = new ArmPosterior<T>(dimension, regularization);
        }

        return arms;
    }

    private static void Estimate<T>(ArmPosterior<T>[] arms, ReadOnlySpan<float> context, Span<ArmEstimate> estimates)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int padded = ArmPosterior<T>.PaddedLength(context.Length);
        T[]? rented = null;
        Span<T> x = padded * Unsafe.SizeOf<T>() <= MaxStackBytes ? stackalloc T[padded] : (rented = ArrayPool<T>.Shared.Rent(padded)).AsSpan(0, padded);
        LoadPadded(context, x);
        for (int arm = 0; arm < arms.Length; arm++)
        {
            var (prediction, quadraticForm) = arms[arm].Evaluate(x);
            estimates[arm] = new ArmEstimate(prediction, Math.Sqrt(quadraticForm));
        }

        if (rented is not null)
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    private static void Observe<T>(ArmPosterior<T> posterior, ReadOnlySpan<float> context, double reward)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int padded = ArmPosterior<T>.PaddedLength(context.Length);
        T[]? rented = null;
        Span<T> x = padded * Unsafe.SizeOf<T>() <= MaxStackBytes ? stackalloc T[padded] : (rented = ArrayPool<T>.Shared.Rent(padded)).AsSpan(0, padded);
        LoadPadded(context, x);
        lock (posterior.WriteLock)
        {
            posterior.Observe(context, x, reward);
        }

        if (rented is not null)
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    // Converts the context to the decision copy's number type and zero-pads it to whole vectors.
    private static void LoadPadded<T>(ReadOnlySpan<float> context, Span<T> x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        TensorPrimitives.ConvertTruncating<float, T>(context, x[..context.Length]);
        x[context.Length..].Clear();
    }

    // Whole-policy operations take every arm's lock, always in arm order so two of them cannot deadlock.
    private void EnterAll()
    {
        for (int arm = 0; arm < ArmCount; arm++)
        {
            Monitor.Enter(_arms[arm].WriteLock);
        }
    }

    private void ExitAll()
    {
        for (int arm = ArmCount - 1; arm >= 0; arm--)
        {
            Monitor.Exit(_arms[arm].WriteLock);
        }
    }

    private void CheckArm(int arm)
    {
        if ((uint)arm >= (uint)ArmCount)
        {
            throw new ArgumentOutOfRangeException(nameof(arm), arm, $"The arm index must be between 0 and {ArmCount - 1}.");
        }
    }

    private void CheckContext(ReadOnlySpan<float> context)
    {
        if (context.Length != Dimension)
        {
            throw new ArgumentException($"The context has {context.Length} features, but the policy expects {Dimension}.", nameof(context));
        }

        for (int i = 0; i < context.Length; i++)
        {
            if (!float.IsFinite(context[i]))
            {
                throw new ArgumentException($"The context has a non-finite feature at index {i}.", nameof(context));
            }
        }
    }
}
