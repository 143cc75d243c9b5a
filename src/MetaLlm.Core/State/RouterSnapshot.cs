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
    /// <summary>The format version this library writes; it reads this version and no newer one.</summary>
    public const int CurrentFormatVersion = 1;

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

    /// <summary>Returns a description of every problem that makes the snapshot unusable, or an empty list.</summary>
    /// <returns>The problems found, each naming the arm or field.</returns>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        if (FormatVersion != CurrentFormatVersion)
        {
            errors.Add(FormatVersion > CurrentFormatVersion
                ? $"The snapshot has format version {FormatVersion}, newer than the {CurrentFormatVersion} this library reads; upgrade MetaLlm to load it."
                : $"The snapshot has the unknown format version {FormatVersion}.");
        }

        if (string.IsNullOrWhiteSpace(FeaturizerName))
        {
            errors.Add($"{nameof(FeaturizerName)} is empty.");
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
