namespace MetaLlm;

/// <summary>The keys under which the router records its decision in a response's <c>AdditionalProperties</c>.</summary>
public static class MetaLlmPropertyNames
{
    /// <summary>The name of the arm that answered (a <see cref="string"/>).</summary>
    public const string ArmName = "metallm.arm";

    /// <summary>The decision id to give feedback on (a <see cref="string"/>).</summary>
    public const string DecisionId = "metallm.decision_id";

    /// <summary>The cost of the response in US dollars (a <see cref="decimal"/>), when the arm reported its usage.</summary>
    public const string CostUsd = "metallm.cost_usd";
}
