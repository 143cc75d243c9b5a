namespace MetaLlm.Replay.Experiments;

/// <summary>A routing policy the replay evaluates, by its command-line name.</summary>
/// <param name="Name">The name in reports: linucb, thompson, epsilon-greedy or metallm-paper.</param>
/// <param name="Kind">The core policy it uses.</param>
/// <param name="NeedsTraining">Whether it is only defined after a warm start (the paper's configuration).</param>
internal sealed record ReplayPolicy(string Name, RoutingPolicyKind Kind, bool NeedsTraining)
{
    public static readonly ReplayPolicy LinUcb = new("linucb", RoutingPolicyKind.LinUcb, false);

    public static readonly ReplayPolicy Thompson = new("thompson", RoutingPolicyKind.ThompsonSampling, false);

    public static readonly ReplayPolicy EpsilonGreedy = new("epsilon-greedy", RoutingPolicyKind.EpsilonGreedy, false);

    /// <summary>The MetaLLM paper's configuration: LinUCB with α = 0 (greedy) after a ridge warm start.</summary>
    public static readonly ReplayPolicy MetaLlmPaper = new("metallm-paper", RoutingPolicyKind.LinUcb, true);

    public static IReadOnlyList<ReplayPolicy> All { get; } = [LinUcb, Thompson, EpsilonGreedy, MetaLlmPaper];

    public static ReplayPolicy Parse(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown policy '{name}'; expected one of {string.Join(", ", All.Select(p => p.Name))}.");

    /// <summary>Builds the router options of one run of this policy.</summary>
    public MetaLlmRouterOptions CreateOptions(ReplayTuning tuning, ReplaySetting setting, double lambda, int seed, decimal? costReferenceUsd, int queries)
    {
        double exploration = this == MetaLlmPaper ? 0
            : !setting.UsesTraining() ? tuning.ColdStartExploration
            : Kind == RoutingPolicyKind.ThompsonSampling ? tuning.PosteriorScale
            : tuning.Alpha;
        double regularization = setting.UsesTraining() ? tuning.Regularization : tuning.ColdStartRegularization;
        return new()
        {
            CostWeight = lambda,
            CostReferenceUsd = costReferenceUsd,
            Policy = Kind,
            LinUcb = { Alpha = exploration, Regularization = regularization, PenaltySelection = tuning.PenaltySelection, Seed = seed },
            ThompsonSampling = { PosteriorScale = exploration, Regularization = regularization, PenaltySelection = tuning.PenaltySelection, Seed = seed },
            EpsilonGreedy = { Epsilon = tuning.Epsilon, Regularization = regularization, PenaltySelection = tuning.PenaltySelection, Seed = seed },
            FeatureDimension = tuning.FeatureDimension,
            MaxPendingDecisions = Math.Max(queries + 1, 1_000),
            PendingDecisionLifetime = TimeSpan.FromDays(1),
        };
    }
}
