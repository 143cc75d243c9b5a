using System.Buffers;

namespace MetaLlm;

/// <summary>
/// The shared machinery of the linear contextual bandits: one <see cref="RidgeRegressionModel"/> per arm (disjoint
/// models), a seeded random source, argument checks, and a reader/writer lock so decisions run concurrently while
/// updates are exclusive.
/// </summary>
public abstract class LinearBanditPolicy : IRoutingPolicy, IDisposable
{
    private readonly RidgeRegressionModel[] _models;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Random _random;
    private readonly object _randomLock = new();

    /// <summary>Initializes a new instance of the <see cref="LinearBanditPolicy"/> class.</summary>
    /// <param name="armCount">The number of arms; at least 1.</param>
    /// <param name="dimension">The number of features; at least 1.</param>
    /// <param name="options">The shared options.</param>
    protected LinearBanditPolicy(int armCount, int dimension, LinearPolicyOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(armCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        ArmCount = armCount;
        Dimension = dimension;
        _models = new RidgeRegressionModel[armCount];
        for (int i = 0; i < armCount; i++)
        {
            _models[i] = new RidgeRegressionModel(dimension, options.Regularization);
        }

        _random = options.Random ?? (options.Seed is int seed ? new Random(seed) : new Random());
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public int ArmCount { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public PolicyDecision Decide(ReadOnlySpan<float> context, Span<ArmEstimate> estimates)
    {
        CheckContext(context);
        if (estimates.Length != ArmCount)
        {
            throw new ArgumentException($"The estimates span has length {estimates.Length}, but the policy has {ArmCount} arms.", nameof(estimates));
        }

        double[]? rented = null;
        Span<double> x = Dimension <= 1024 ? stackalloc double[Dimension] : (rented = ArrayPool<double>.Shared.Rent(Dimension)).AsSpan(0, Dimension);
        try
        {
            Widen(context, x);
            _lock.EnterReadLock();
            try
            {
                for (int arm = 0; arm < _models.Length; arm++)
                {
                    var model = _models[arm];
                    estimates[arm] = new ArmEstimate(model.Predict(x), Math.Sqrt(model.QuadraticForm(x)));
                }
            }
            finally
            {
                _lock.ExitReadLock();
            }

            lock (_randomLock)
            {
                return Choose(estimates, _random);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<double>.Shared.Return(rented);
            }
        }
    }

    /// <inheritdoc />
    public void Update(int arm, ReadOnlySpan<float> context, double reward)
    {
        CheckArm(arm);
        CheckContext(context);
        if (!double.IsFinite(reward))
        {
            throw new ArgumentOutOfRangeException(nameof(reward), reward, "The reward must be a finite number.");
        }

        double[] rented = ArrayPool<double>.Shared.Rent(Dimension);
        try
        {
            Span<double> x = rented.AsSpan(0, Dimension);
            Widen(context, x);
            _lock.EnterWriteLock();
            try
            {
                _models[arm].Update(x, reward);
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <inheritdoc />
    public void Fit(ReadOnlySpan<float> contexts, ReadOnlySpan<double> rewards, int count)
    {
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

        // Full information: every arm sees every example, so Σ x xᵀ is shared and only Σ r x differs per arm.
        var gram = new double[d * d];
        var targets = new double[k * d];
        var x = new double[d];
        for (int n = 0; n < count; n++)
        {
            Widen(contexts.Slice(n * d, d), x);
            for (int i = 0; i < d; i++)
            {
                double xi = x[i];
                if (xi != 0)
                {
                    Span<double> row = gram.AsSpan(i * d, d);
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(x, xi, row, row);
                }
            }

            for (int arm = 0; arm < k; arm++)
            {
                Span<double> target = targets.AsSpan(arm * d, d);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(x, rewards[(n * k) + arm], target, target);
            }
        }

        _lock.EnterWriteLock();
        try
        {
            for (int arm = 0; arm < k; arm++)
            {
                _models[arm].AddBatch(gram, targets.AsSpan(arm * d, d), count);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Copies the learned state of every arm into a serialisable value.</summary>
    /// <returns>The state, one entry per arm in arm order.</returns>
    public IReadOnlyList<RidgeModelState> ExportState()
    {
        _lock.EnterReadLock();
        try
        {
            return Array.ConvertAll(_models, m => m.ExportState());
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Replaces the learned state of every arm; nothing changes if any entry does not fit.</summary>
    /// <param name="state">One entry per arm, in arm order.</param>
    /// <exception cref="ArgumentException">The state does not fit this policy.</exception>
    public void ImportState(IReadOnlyList<RidgeModelState> state)
    {
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

        _lock.EnterWriteLock();
        try
        {
            for (int i = 0; i < ArmCount; i++)
            {
                _models[i].ImportState(state[i]);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Gets a copy of an arm's current weights θ.</summary>
    /// <param name="arm">The arm's index.</param>
    /// <returns>A copy of θ.</returns>
    public double[] GetWeights(int arm)
    {
        CheckArm(arm);
        _lock.EnterReadLock();
        try
        {
            return _models[arm].Weights.ToArray();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Gets the number of observations an arm has learned from.</summary>
    /// <param name="arm">The arm's index.</param>
    /// <returns>The count.</returns>
    public long GetObservationCount(int arm)
    {
        CheckArm(arm);
        _lock.EnterReadLock();
        try
        {
            return _models[arm].ObservationCount;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the lock.</summary>
    /// <param name="disposing">Whether managed resources are released.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _lock.Dispose();
        }
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

    private static void Widen(ReadOnlySpan<float> source, Span<double> destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = source[i];
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
