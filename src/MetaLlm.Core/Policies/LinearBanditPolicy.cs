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
/// the reference: <see cref="GetScoreWeights"/>, <see cref="ExportStatistics"/> and <see cref="Fit"/> see exactly what
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
    private readonly double _configuredRegularization;
    private readonly RidgePenaltySelection _penaltySelection;
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
        _configuredRegularization = options.Regularization;
        _penaltySelection = options.PenaltySelection;
    }

    /// <summary>The fewest warm-start examples penalties are chosen from; with fewer, the current penalties stay.</summary>
    public const int MinPenaltySelectionExamples = 20;

    /// <summary>
    /// The most warm-start examples penalties are chosen from; a larger warm start is learned from in full, but its
    /// penalties are cross-validated on this many evenly spaced examples, which bounds the time the choice takes
    /// (above 1,024 features, on 1,024 of them).
    /// </summary>
    public const int MaxPenaltySelectionExamples = 4096;

    // The selection decomposes a min(n, d)-sized Gram matrix; above this many features it also caps the examples at
    // this many, so a 4,096-feature warm start decomposes 1,024 × 1,024 instead of 4,096 × 4,096.
    private const int MaxDecomposedSize = 1024;

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public int ArmCount { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>Gets the precision decisions are computed in: <see cref="DecisionPrecision.SinglePrecision"/> or <see cref="DecisionPrecision.DoublePrecision"/>.</summary>
    public DecisionPrecision EffectiveDecisionPrecision => _single is not null ? DecisionPrecision.SinglePrecision : DecisionPrecision.DoublePrecision;

    /// <inheritdoc />
    public void Estimate(ReadOnlySpan<float> context, double estimatedInputTokens, Span<ArmEstimate> estimates)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckContext(context);
        if (estimates.Length != ArmCount)
        {
            throw new ArgumentException($"The estimates span has length {estimates.Length}, but the policy has {ArmCount} arms.", nameof(estimates));
        }

        if (!double.IsFinite(estimatedInputTokens) || estimatedInputTokens < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(estimatedInputTokens), estimatedInputTokens, "The estimated input tokens must be a finite number, not negative.");
        }

        if (_single is not null)
        {
            Estimate(_single, context, estimatedInputTokens, estimates);
        }
        else
        {
            Estimate(_double!, context, estimatedInputTokens, estimates);
        }
    }

    /// <inheritdoc />
    public PolicyDecision Choose(ReadOnlySpan<ArmEstimate> estimates, ReadOnlySpan<bool> eligible)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (estimates.Length != ArmCount)
        {
            throw new ArgumentException($"The estimates span has length {estimates.Length}, but the policy has {ArmCount} arms.", nameof(estimates));
        }

        if (!eligible.IsEmpty && eligible.Length != ArmCount)
        {
            throw new ArgumentException($"The eligibility span has length {eligible.Length}, but the policy has {ArmCount} arms.", nameof(eligible));
        }

        foreach (var estimate in estimates)
        {
            if (!double.IsFinite(estimate.PredictedReward) || !double.IsFinite(estimate.Uncertainty) || estimate.Uncertainty < 0)
            {
                throw new ArgumentException("Every estimate's reward and uncertainty must be finite, and the uncertainty not negative.", nameof(estimates));
            }
        }

        if (eligible.IsEmpty || !eligible.Contains(false))
        {
            lock (_randomLock)
            {
                return Choose(estimates, _random);
            }
        }

        // Only the eligible arms compete, and the propensity is over them alone.
        Span<int> map = stackalloc int[ArmCount];
        Span<ArmEstimate> compact = ArmCount <= 64 ? stackalloc ArmEstimate[ArmCount] : new ArmEstimate[ArmCount];
        int count = 0;
        for (int arm = 0; arm < ArmCount; arm++)
        {
            if (eligible[arm])
            {
                map[count] = arm;
                compact[count++] = estimates[arm];
            }
        }

        if (count == 0)
        {
            throw new ArgumentException("No arm is eligible.", nameof(eligible));
        }

        PolicyDecision choice;
        lock (_randomLock)
        {
            choice = Choose(compact[..count], _random);
        }

        return choice with { Arm = map[choice.Arm] };
    }

    /// <inheritdoc />
    public void Update(int arm, ReadOnlySpan<float> context, ArmObservation observation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckArm(arm);
        CheckContext(context);
        CheckObservation(observation, nameof(observation));
        if (_single is not null)
        {
            Observe(_single[arm], context, observation);
        }
        else
        {
            Observe(_double![arm], context, observation);
        }
    }

    /// <inheritdoc />
    /// <remarks>Chooses the arms' penalties from the examples as <see cref="FitWithPenaltySelection"/> does.</remarks>
    public void Fit(ReadOnlySpan<float> contexts, ReadOnlySpan<ArmObservation> observations, int count) =>
        FitWithPenaltySelection(contexts, observations, count);

    /// <summary>
    /// Learns from full-information examples like <see cref="Fit"/>, after choosing each arm's ridge penalty by exact
    /// leave-one-out cross-validation of its score model on these examples (<see cref="LinearPolicyOptions.PenaltySelection"/>).
    /// The chosen penalty applies to everything the arm has learned, before and after, until the next warm start.
    /// </summary>
    /// <param name="contexts">The examples' feature vectors, row-major: <paramref name="count"/> × <see cref="Dimension"/>.</param>
    /// <param name="observations">Every arm's outcome on every example, row-major: <paramref name="count"/> × <see cref="ArmCount"/>.</param>
    /// <param name="count">The number of examples.</param>
    /// <returns>
    /// What was chosen and why, or <see langword="null"/> when nothing was chosen: the selection is
    /// <see cref="RidgePenaltySelection.Configured"/>, there are fewer than <see cref="MinPenaltySelectionExamples"/>
    /// examples, or every feature is zero.
    /// </returns>
    /// <exception cref="ArgumentException">The spans do not hold <paramref name="count"/> examples, or a value is not finite or negative; nothing is learned then.</exception>
    /// <remarks>
    /// The candidates are quarter-decade steps over seven decades scaled to the features' mean square, widened while
    /// the best lies at an edge, plus the configured penalty; each costs O(n·d·(k + 1)) once the examples are
    /// decomposed (O(n·d·min(n, d)), with n at most <see cref="MaxPenaltySelectionExamples"/>).
    /// </remarks>
    public RidgePenaltySelectionResult? FitWithPenaltySelection(ReadOnlySpan<float> contexts, ReadOnlySpan<ArmObservation> observations, int count)
    {
        CheckExamples(contexts, observations, count);
        if (count == 0)
        {
            return null;
        }

        var selection = _penaltySelection == RidgePenaltySelection.Configured || count < MinPenaltySelectionExamples
            ? null
            : SelectPenalties(contexts, observations, count);
        AddExamples(contexts, observations, count, selection?.Penalties);
        return selection;
    }

    /// <summary>Gets the ridge penalty an arm's model uses now: the configured one, or the one a warm start chose.</summary>
    /// <param name="arm">The arm's index.</param>
    /// <returns>The penalty.</returns>
    public double GetRegularization(int arm)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckArm(arm);
        lock (_arms[arm].WriteLock)
        {
            return _arms[arm].Model.Regularization;
        }
    }

    // Every arm's sums (with the penalty when it was chosen), its penalty and, when asked, its inverse, copied under the
    // arms' locks.
    private (ArmStatistics Statistics, double Penalty, bool Chosen, double[] Inverse)[] CaptureState(bool withInverses)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var states = new (ArmStatistics, double, bool, double[])[ArmCount];
        EnterAll();
        try
        {
            for (int arm = 0; arm < ArmCount; arm++)
            {
                _arms[arm].Synchronize();
                var statistics = new ArmStatistics(Dimension);
                _arms[arm].ExportTo(statistics);
                var model = _arms[arm].Model;
                statistics.Regularization = model.IsRegularizationChosen ? model.Regularization : null;
                states[arm] = (statistics, model.Regularization, model.IsRegularizationChosen, withInverses ? model.Inverse.ToArray() : []);
            }
        }
        finally
        {
            ExitAll();
        }

        return states;
    }

    private void CheckExamples(ReadOnlySpan<float> contexts, ReadOnlySpan<ArmObservation> observations, int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int d = Dimension;
        int k = ArmCount;
        if (contexts.Length != (long)count * d)
        {
            throw new ArgumentException($"Expected {count} contexts of {d} features ({(long)count * d} values), got {contexts.Length}.", nameof(contexts));
        }

        if (observations.Length != (long)count * k)
        {
            throw new ArgumentException($"Expected {count} rows of {k} observations ({(long)count * k} values), got {observations.Length}.", nameof(observations));
        }

        for (int i = 0; i < contexts.Length; i++)
        {
            if (!float.IsFinite(contexts[i]))
            {
                throw new ArgumentException($"Context {i / d} has a non-finite feature at index {i % d}.", nameof(contexts));
            }
        }

        for (int i = 0; i < observations.Length; i++)
        {
            CheckObservation(observations[i], nameof(observations), $" (arm {i % k}, example {i / k})");
        }
    }

    // Chooses penalties from checked examples; reads nothing the policy has learned, so it runs without locks.
    private RidgePenaltySelectionResult? SelectPenalties(ReadOnlySpan<float> contexts, ReadOnlySpan<ArmObservation> observations, int count)
    {
        int d = Dimension;
        int k = ArmCount;
        int used = Math.Min(count, d > MaxDecomposedSize ? MaxDecomposedSize : MaxPenaltySelectionExamples);
        var sample = new float[used * d];
        var scores = new double[used * k];
        double squares = 0;
        for (int row = 0; row < used; row++)
        {
            int example = (int)((long)row * count / used);
            var x = contexts.Slice(example * d, d);
            x.CopyTo(sample.AsSpan(row * d, d));
            squares += TensorPrimitives.Dot(x, x);
            for (int arm = 0; arm < k; arm++)
            {
                scores[(row * k) + arm] = observations[(example * k) + arm].Score;
            }
        }

        double meanSquare = squares / ((double)used * d);
        if (!(meanSquare > 0) || !double.IsFinite(meanSquare))
        {
            return null;
        }

        var leaveOneOut = new RidgeLeaveOneOut(sample, scores, used, d, k);
        var errors = new SortedDictionary<double, double[]>();
        void Evaluate(double penalty)
        {
            if (penalty > 0 && double.IsFinite(penalty) && !errors.ContainsKey(penalty))
            {
                errors[penalty] = leaveOneOut.MeanSquaredErrors(penalty);
            }
        }

        // Quarter decades from a tenth of the features' mean square to a million times it; then, while the best
        // is at an edge, up to two more decades that way.
        const int StepsPerDecade = 4;
        int low = -StepsPerDecade;
        int high = 6 * StepsPerDecade;
        for (int step = low; step <= high; step++)
        {
            Evaluate(meanSquare * Math.Pow(10, (double)step / StepsPerDecade));
        }

        Evaluate(_configuredRegularization);
        for (int widened = 0; widened < 2 * StepsPerDecade; widened++)
        {
            double best = Best(errors, arm: null);
            double lowest = meanSquare * Math.Pow(10, (double)low / StepsPerDecade);
            double highest = meanSquare * Math.Pow(10, (double)high / StepsPerDecade);
            if (best <= lowest)
            {
                Evaluate(meanSquare * Math.Pow(10, (double)--low / StepsPerDecade));
            }
            else if (best >= highest)
            {
                Evaluate(meanSquare * Math.Pow(10, (double)++high / StepsPerDecade));
            }
            else
            {
                break;
            }
        }

        var candidates = errors.Keys.ToArray();
        var byArm = new double[k][];
        var penalties = new double[k];
        double shared = Best(errors, arm: null);
        for (int arm = 0; arm < k; arm++)
        {
            byArm[arm] = [.. errors.Values.Select(e => e[arm])];
            penalties[arm] = _penaltySelection == RidgePenaltySelection.Shared ? shared : Best(errors, arm);
        }

        return new RidgePenaltySelectionResult(_penaltySelection, used, candidates, byArm, penalties, _configuredRegularization, errors[_configuredRegularization]);
    }

    // The penalty with the least error for one arm, or summed over the arms; ties go to the larger penalty.
    private static double Best(SortedDictionary<double, double[]> errors, int? arm)
    {
        double best = 0;
        double least = double.PositiveInfinity;
        foreach (var (penalty, error) in errors)
        {
            double value = arm is int a ? error[a] : error.Sum();
            if (value <= least)
            {
                least = value;
                best = penalty;
            }
        }

        return best;
    }

    // Learns checked examples: every arm sees every one (full information), with its chosen penalty when given.
    private void AddExamples(ReadOnlySpan<float> contexts, ReadOnlySpan<ArmObservation> observations, int count, IReadOnlyList<double>? penalties)
    {
        int d = Dimension;
        int k = ArmCount;
        // Full information: every arm sees every example, so Σ x xᵀ is shared and only the targets and sums differ per
        // arm. Only the Gram matrix's upper triangle is accumulated (it is symmetric), then mirrored.
        var gram = new double[d * d];
        var scoreTargets = new double[k * d];
        var outputTargets = new double[k * d];
        var sums = new ArmScalarSums[k];
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
                var observation = observations[(n * k) + arm];
                Span<double> scoreTarget = scoreTargets.AsSpan(arm * d, d);
                Span<double> outputTarget = outputTargets.AsSpan(arm * d, d);
                TensorPrimitives.MultiplyAdd(x, observation.Score, scoreTarget, scoreTarget);
                TensorPrimitives.MultiplyAdd(x, observation.Tokens.Output, outputTarget, outputTarget);
                sums[arm] = sums[arm].Add(observation);
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
                if (penalties is not null)
                {
                    _arms[arm].Model.SetRegularizationBeforeBatch(penalties[arm]);
                }

                _arms[arm].Model.AddBatch(gram, scoreTargets.AsSpan(arm * d, d), outputTargets.AsSpan(arm * d, d), count, arm > 0 ? _arms[arm - 1].Model : null);
                _arms[arm].AddScalarSums(sums[arm]);
                _arms[arm].Refresh();
            }
        }
        finally
        {
            ExitAll();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<ArmStatistics> ExportStatistics() =>
        [.. CaptureState(withInverses: false).Select(state => state.Statistics)];

    /// <inheritdoc />
    public void ImportStatistics(IReadOnlyList<ArmStatistics> statistics)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(statistics);
        if (statistics.Count != ArmCount)
        {
            throw new ArgumentException($"The statistics have {statistics.Count} arms, but the policy has {ArmCount}.", nameof(statistics));
        }

        // Everything is checked, and every inverse computed, before anything changes: all or nothing. Arms of one warm
        // start share one Gram matrix, so they share one factorisation.
        var inverses = new double[ArmCount][];
        var penalties = new double[ArmCount];
        var chosen = new bool[ArmCount];
        for (int arm = 0; arm < ArmCount; arm++)
        {
            var entry = statistics[arm] ?? throw new ArgumentException($"The statistics of arm {arm} are null.", nameof(statistics));
            if (entry.Dimension != Dimension)
            {
                throw new ArgumentException($"The statistics of arm {arm} have dimension {entry.Dimension}, but the policy expects {Dimension}.", nameof(statistics));
            }

            var errors = entry.GetValidationErrors();
            if (errors.Count > 0)
            {
                throw new ArgumentException($"The statistics of arm {arm} are invalid: {string.Join(" ", errors)}", nameof(statistics));
            }

            // A penalty chosen from data is learned state; configured selection means the configured penalty for all.
            chosen[arm] = _penaltySelection != RidgePenaltySelection.Configured && entry.Regularization is not null;
            penalties[arm] = chosen[arm] ? entry.Regularization!.Value : _configuredRegularization;
            try
            {
                bool samePenalty = arm > 0 && penalties[arm - 1] == penalties[arm];
                inverses[arm] = _arms[arm].Model.PrepareImport(entry, penalties[arm], samePenalty ? (statistics[arm - 1], inverses[arm - 1]) : null);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"The statistics of arm {arm} are invalid: {ex.Message}", nameof(statistics), ex);
            }
        }

        EnterAll();
        try
        {
            for (int arm = 0; arm < ArmCount; arm++)
            {
                _arms[arm].Replace(statistics[arm], penalties[arm], chosen[arm], inverses[arm]);
            }
        }
        finally
        {
            ExitAll();
        }
    }

    /// <summary>
    /// Replaces what every arm has learned by an exact copy of another linear policy's state (its sums, chosen
    /// penalties and inverses) without factorising anything: O(k·d²) instead of the O(k·d³) of
    /// <see cref="ImportStatistics"/>. Use it to start several routers, or a shadow policy, from one fitted policy. The
    /// two may be of different kinds (LinUCB, Thompson sampling, epsilon-greedy); each keeps its own exploration and
    /// random source.
    /// </summary>
    /// <param name="source">The policy to copy; it is only read, and may go on learning afterwards.</param>
    /// <exception cref="ArgumentException"><paramref name="source"/> has another arm count or dimension.</exception>
    /// <exception cref="ObjectDisposedException">Either policy is disposed.</exception>
    public void CopyStateFrom(LinearBanditPolicy source)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(source);
        if (source.ArmCount != ArmCount || source.Dimension != Dimension)
        {
            throw new ArgumentException($"The source policy has {source.ArmCount} arms and {source.Dimension} features, but this one has {ArmCount} arms and {Dimension} features.", nameof(source));
        }

        if (ReferenceEquals(source, this))
        {
            return;
        }

        // The source is read under its own locks, then released before this policy's are taken: two policies
        // copying from each other at once cannot deadlock.
        var states = source.CaptureState(withInverses: true);
        EnterAll();
        try
        {
            for (int arm = 0; arm < ArmCount; arm++)
            {
                var (statistics, penalty, chosen, inverse) = states[arm];
                _arms[arm].Replace(statistics, penalty, chosen, inverse);
            }
        }
        finally
        {
            ExitAll();
        }
    }

    /// <summary>Gets a copy of an arm's current score weights θ_score.</summary>
    /// <param name="arm">The arm's index.</param>
    /// <returns>A copy of θ_score.</returns>
    public double[] GetScoreWeights(int arm)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckArm(arm);
        object gate = _arms[arm].WriteLock;
        lock (gate)
        {
            _arms[arm].Synchronize();
            return _arms[arm].Model.ScoreWeights.ToArray();
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

    // Tokens of pseudo-evidence behind an arm's input ratio before it has billed any: the ratio starts at 1.
    private const double PriorInputTokens = 100;

    private static void Estimate<T>(ArmPosterior<T>[] arms, ReadOnlySpan<float> context, double estimatedInputTokens, Span<ArmEstimate> estimates)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int padded = ArmPosterior<T>.PaddedLength(context.Length);
        T[]? rented = null;
        Span<T> x = padded * Unsafe.SizeOf<T>() <= MaxStackBytes ? stackalloc T[padded] : (rented = ArrayPool<T>.Shared.Rent(padded)).AsSpan(0, padded);
        LoadPadded(context, x);
        for (int arm = 0; arm < arms.Length; arm++)
        {
            var (score, output, quadraticForm, sums) = arms[arm].Evaluate(x);
            estimates[arm] = new ArmEstimate(score, Math.Sqrt(quadraticForm), sums.Predict(estimatedInputTokens, output, PriorInputTokens));
        }

        if (rented is not null)
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    private static void Observe<T>(ArmPosterior<T> posterior, ReadOnlySpan<float> context, in ArmObservation observation)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int padded = ArmPosterior<T>.PaddedLength(context.Length);
        T[]? rented = null;
        Span<T> x = padded * Unsafe.SizeOf<T>() <= MaxStackBytes ? stackalloc T[padded] : (rented = ArrayPool<T>.Shared.Rent(padded)).AsSpan(0, padded);
        LoadPadded(context, x);
        lock (posterior.WriteLock)
        {
            posterior.Observe(context, x, observation);
        }

        if (rented is not null)
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    private static void CheckObservation(in ArmObservation observation, string paramName, string where = "")
    {
        if (!double.IsFinite(observation.Score))
        {
            throw new ArgumentOutOfRangeException(paramName, observation.Score, $"The score must be a finite number{where}.");
        }

        var tokens = observation.Tokens;
        if (tokens.UncachedInput < 0 || tokens.CachedInput < 0 || tokens.CacheWrite < 0 || tokens.LongCacheWrite < 0 || tokens.Output < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, tokens, $"Token counts must not be negative{where}.");
        }

        if (!double.IsFinite(observation.EstimatedInputTokens) || observation.EstimatedInputTokens < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, observation.EstimatedInputTokens, $"The estimated input tokens must be a finite number, not negative{where}.");
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
