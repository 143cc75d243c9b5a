namespace MetaLlm;

/// <summary>How a linear policy's warm start chooses the ridge penalty of each arm's model.</summary>
public enum RidgePenaltySelection
{
    /// <summary>
    /// Each arm's penalty is chosen by exact leave-one-out cross-validation of its score model on the warm-start
    /// examples (the default): arms whose scores are noisier get a stronger penalty.
    /// </summary>
    PerArm,

    /// <summary>One penalty for every arm, the one with the least leave-one-out error summed over the arms.</summary>
    Shared,

    /// <summary>No selection: every arm uses <see cref="LinearPolicyOptions.Regularization"/>, including arms restored from a snapshot with a chosen penalty.</summary>
    Configured,
}
