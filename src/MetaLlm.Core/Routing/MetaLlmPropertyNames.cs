namespace MetaLlm;

/// <summary>The keys under which the router records its decision in a response's <c>AdditionalProperties</c>.</summary>
public static class MetaLlmPropertyNames
{
    /// <summary>
    /// The prefix of every key the router owns. Keys of a request's <c>ChatOptions.AdditionalProperties</c> that start
    /// with it (compared without regard to case) are the router's and never reach an arm.
    /// </summary>
    public const string Prefix = "metallm.";

    /// <summary>The name of the arm that answered (a <see cref="string"/>).</summary>
    public const string ArmName = "metallm.arm";

    /// <summary>The decision id to give feedback on (a <see cref="string"/>).</summary>
    public const string DecisionId = "metallm.decision_id";

    /// <summary>
    /// Request option (<c>ChatOptions.AdditionalProperties</c>): the only arms this request may go to, by name (a
    /// <see cref="string"/> of comma-separated names, or a sequence of strings). Never forwarded to a model.
    /// </summary>
    public const string AllowedArms = "metallm.allowed_arms";

    /// <summary>Request option: arms this request must not go to, by name (as <see cref="AllowedArms"/>). Never forwarded to a model.</summary>
    public const string DeniedArms = "metallm.denied_arms";

    /// <summary>Request option: the one arm this request must go to, by name (a <see cref="string"/>); no other is tried. Never forwarded to a model.</summary>
    public const string PinnedArm = "metallm.pinned_arm";

    /// <summary>Every attempt the request made, in order (an <see cref="IReadOnlyList{T}"/> of <see cref="ArmAttempt"/>).</summary>
    public const string Attempts = "metallm.attempts";

    /// <summary>The cost of the response in US dollars (a <see cref="decimal"/>), when the arm reported its usage.</summary>
    public const string CostUsd = "metallm.cost_usd";
}
