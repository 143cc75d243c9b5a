namespace MetaLlm;

/// <summary>What <see cref="MetaLlmRouter.WarmStartAsync"/> learned from, and the ridge penalties it chose.</summary>
public sealed class WarmStartResult
{
    internal WarmStartResult(int exampleCount, IReadOnlyDictionary<string, double> penalties, RidgePenaltySelectionResult? penaltySelection, TimeSpan elapsed)
    {
        ExampleCount = exampleCount;
        Penalties = penalties;
        PenaltySelection = penaltySelection;
        Elapsed = elapsed;
    }

    /// <summary>Gets the number of examples learned from.</summary>
    public int ExampleCount { get; }

    /// <summary>Gets each arm's ridge penalty after the warm start, by arm name; empty when the policy is not a <see cref="LinearBanditPolicy"/>.</summary>
    public IReadOnlyDictionary<string, double> Penalties { get; }

    /// <summary>
    /// Gets the cross-validation that chose the penalties (arms in the router's order), or <see langword="null"/>
    /// when none was run: the policy's selection is <see cref="RidgePenaltySelection.Configured"/>, there were fewer
    /// than <see cref="LinearBanditPolicy.MinPenaltySelectionExamples"/> examples, or the policy is not linear.
    /// </summary>
    public RidgePenaltySelectionResult? PenaltySelection { get; }

    /// <summary>Gets how long the warm start took, featurizing and choosing the penalties included.</summary>
    public TimeSpan Elapsed { get; }
}
