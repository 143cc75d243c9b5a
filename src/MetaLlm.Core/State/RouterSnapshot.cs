namespace MetaLlm;

/// <summary>
/// Everything a router has learned, as a plain value that can be saved, loaded and merged: per-arm statistics by arm
/// name, and what they were learned with. It never holds prompt or response text.
/// </summary>
/// <remarks>
/// Statistics are sums (see <see cref="ArmStatistics"/>). A later format may discount old observations; such a decay
/// multiplies every sum by one factor per elapsed time, which commutes with adding snapshots, so
/// <see cref="StatisticsAsOf"/> records the time the sums refer to.
/// </remarks>
public sealed class RouterSnapshot
{
    /// <summary>
    /// The newest format version this library reads and writes; it reads every version from 1 up to this one.
    /// Version 2 adds each arm's chosen ridge penalty (<see cref="ArmStatistics.Regularization"/>); releases that read
    /// only version 1 refuse it as newer, without overwriting it.
    /// </summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>Gets the format version of the snapshot.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Gets when the snapshot was taken.</summary>
    public DateTimeOffset TakenAt { get; init; }

    /// <summary>Gets the time the statistics' sums refer to (room for a decay that commutes with merging).</summary>
    public DateTimeOffset StatisticsAsOf { get; init; }

    /// <summary>Gets the name of the featurizer the contexts were made by, for example <c>hashing-512</c>.</summary>
    public required string FeaturizerName { get; init; }

    /// <summary>Gets the number of features.</summary>
    public required int FeatureDimension { get; init; }

    /// <summary>Gets a fingerprint of the featurizer's settings: statistics learned on other features are meaningless.</summary>
    public required string FeaturizerFingerprint { get; init; }

    /// <summary>Gets the name of the policy that learned (informational: the router's configuration wins).</summary>
    public string PolicyName { get; init; } = string.Empty;

    /// <summary>Gets the policy's hyper-parameters when the snapshot was taken (informational: configuration wins).</summary>
    public IReadOnlyDictionary<string, double> PolicySettings { get; init; } = new Dictionary<string, double>();

    /// <summary>Gets λ when the snapshot was taken (informational: configuration wins).</summary>
    public double CostWeight { get; init; }

    /// <summary>Gets the number of decisions the router had made.</summary>
    public long DecisionCount { get; init; }

    /// <summary>Gets the number of feedbacks the router had learned from.</summary>
    public long FeedbackCount { get; init; }

    /// <summary>Gets each arm's statistics by arm name, including arms the router no longer has (kept aside for their return).</summary>
    public required IReadOnlyDictionary<string, ArmStatistics> Arms { get; init; }

    /// <summary>
    /// Merges what several routers learned since a common baseline: <c>baseline + Σ (instance − baseline)</c>, arm by
    /// arm, so a warm start or prior in the baseline is counted once however many instances started from it. Merged,
    /// the statistics equal those of one router fed every instance's feedback.
    /// </summary>
    /// <param name="baseline">What every instance started from, or <see langword="null"/> when they all started empty.</param>
    /// <param name="instances">The instances' snapshots; at least one, all on the baseline's features.</param>
    /// <returns>The merged snapshot, taken at the latest instance's time.</returns>
    /// <exception cref="ArgumentException">The snapshots are invalid or were learned on different features.</exception>
    public static RouterSnapshot Merge(RouterSnapshot? baseline, IReadOnlyList<RouterSnapshot> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        if (instances.Count == 0)
        {
            throw new ArgumentException("At least one instance's snapshot is needed.", nameof(instances));
        }

        var first = baseline ?? instances[0];
        foreach (var snapshot in baseline is null ? instances : instances.Prepend(baseline))
        {
            if (snapshot is null)
            {
                throw new ArgumentException("The snapshots must not contain null.", nameof(instances));
            }

            var errors = snapshot.GetValidationErrors();
            if (errors.Count > 0)
            {
                throw new ArgumentException("A snapshot cannot be merged: " + string.Join(" ", errors), nameof(instances));
            }

            if (snapshot.FeatureDimension != first.FeatureDimension || !string.Equals(snapshot.FeaturizerFingerprint, first.FeaturizerFingerprint, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Snapshots learned on different features cannot be merged ('{snapshot.FeaturizerFingerprint}' and '{first.FeaturizerFingerprint}').", nameof(instances));
            }
        }

        var arms = new Dictionary<string, ArmStatistics>(StringComparer.Ordinal);
        if (baseline is not null)
        {
            foreach (var (name, statistics) in baseline.Arms)
            {
                arms[name] = statistics.Clone();
            }
        }

        foreach (var instance in instances)
        {
            foreach (var (name, statistics) in instance.Arms)
            {
                if (!arms.TryGetValue(name, out var merged))
                {
                    arms[name] = merged = new ArmStatistics(first.FeatureDimension);
                }

                merged.Add(statistics);
                if (baseline is not null && baseline.Arms.TryGetValue(name, out var common))
                {
                    merged.Add(common, sign: -1);
                }
            }
        }

        var latest = instances.MaxBy(i => i.TakenAt)!;
        long baseDecisions = baseline?.DecisionCount ?? 0;
        long baseFeedback = baseline?.FeedbackCount ?? 0;
        return new RouterSnapshot
        {
            TakenAt = latest.TakenAt,
            StatisticsAsOf = latest.StatisticsAsOf,
            FeaturizerName = first.FeaturizerName,
            FeatureDimension = first.FeatureDimension,
            FeaturizerFingerprint = first.FeaturizerFingerprint,
            PolicyName = latest.PolicyName,
            PolicySettings = latest.PolicySettings,
            CostWeight = latest.CostWeight,
            DecisionCount = baseDecisions + instances.Sum(i => i.DecisionCount - baseDecisions),
            FeedbackCount = baseFeedback + instances.Sum(i => i.FeedbackCount - baseFeedback),
            Arms = arms,
        };
    }

    /// <summary>Returns a description of every problem that makes the snapshot unusable, or an empty list.</summary>
    /// <returns>The problems found, each naming the arm or field.</returns>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        if (FormatVersion is < 1 or > CurrentFormatVersion)
        {
            errors.Add(FormatVersion > CurrentFormatVersion
                ? $"The snapshot has format version {FormatVersion}, newer than the {CurrentFormatVersion} this library reads; upgrade MetaLlm to load it."
                : $"The snapshot has the unknown format version {FormatVersion}.");
        }

        if (string.IsNullOrWhiteSpace(FeaturizerName))
        {
            errors.Add($"{nameof(FeaturizerName)} is empty.");
        }

        if (FeaturizerFingerprint is null)
        {
            errors.Add($"{nameof(FeaturizerFingerprint)} is missing.");
        }

        if (PolicyName is null || PolicySettings is null)
        {
            errors.Add($"{nameof(PolicyName)} and {nameof(PolicySettings)} must not be null.");
        }
        else if (PolicySettings.Any(p => string.IsNullOrWhiteSpace(p.Key) || !double.IsFinite(p.Value)))
        {
            errors.Add($"{nameof(PolicySettings)} must have names and finite values.");
        }

        if (FeatureDimension < 1 || FeatureDimension > LinearPolicyOptions.MaxDimension)
        {
            errors.Add($"{nameof(FeatureDimension)} must be between 1 and {LinearPolicyOptions.MaxDimension}, but was {FeatureDimension}.");
        }

        if (Arms is null)
        {
            errors.Add($"{nameof(Arms)} is missing.");
            return errors;
        }

        foreach (var (name, arm) in Arms)
        {
            if (string.IsNullOrWhiteSpace(name) || arm is null)
            {
                errors.Add("An arm has no name or no statistics.");
                continue;
            }

            if (arm.Dimension != FeatureDimension)
            {
                errors.Add($"Arm '{name}' has statistics of dimension {arm.Dimension}, but the snapshot's features have {FeatureDimension}.");
                continue;
            }

            foreach (var error in arm.GetValidationErrors())
            {
                errors.Add($"Arm '{name}': {error}");
            }
        }

        if (!double.IsFinite(CostWeight) || CostWeight < 0)
        {
            errors.Add($"{nameof(CostWeight)} must be finite and not negative, but was {CostWeight}.");
        }

        return errors;
    }
}
