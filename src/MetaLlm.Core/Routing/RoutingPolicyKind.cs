namespace MetaLlm;

/// <summary>The built-in routing policies, for choosing one from configuration.</summary>
public enum RoutingPolicyKind
{
    /// <summary>Disjoint LinUCB (<see cref="LinUcbPolicy"/>).</summary>
    LinUcb,

    /// <summary>Linear Thompson sampling (<see cref="ThompsonSamplingPolicy"/>).</summary>
    ThompsonSampling,

    /// <summary>Epsilon-greedy over ridge models (<see cref="EpsilonGreedyPolicy"/>).</summary>
    EpsilonGreedy,
}
