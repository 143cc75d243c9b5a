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

    /// <summary>The cost of the response in US dollars (a <see cref="decimal"/>), when the arm reported its usage.</summary>
    public const string CostUsd = "metallm.cost_usd";
}
