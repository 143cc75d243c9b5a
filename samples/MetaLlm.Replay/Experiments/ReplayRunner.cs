using MetaLlm.Replay.DatasetReaders;
using MetaLlm.Replay.Evaluation;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.Experiments;

/// <summary>
/// Replays recorded queries through a real <see cref="MetaLlmRouter"/>: each model is a <see cref="RecordedChatClient"/>
/// arm, the router chooses and computes the cost, and the recorded score goes back through
/// <see cref="MetaLlmRouter.RecordFeedback"/>.
/// </summary>
internal sealed class ReplayRunner
{
    private readonly RouterArm[] _arms;
    private readonly Dictionary<string, int> _armIndex;
    private readonly IReadOnlyList<ReplayQuery> _test;
    private readonly IReadOnlyList<WarmStartExample> _warmStart;
    private readonly ReplayCostModel _costs;
    private readonly IRequestFeaturizer _featurizer;
    private readonly IRequestFeaturizer _coldStartFeaturizer;
    private readonly ReplayTuning _tuning;
    private readonly object _warmStartGate = new();
    private Task<LinearBanditPolicy>? _warmStartState;

    /// <param name="coldStartFeaturizer">The featurizer of the routers that learn from scratch (setting online), or <see langword="null"/> for <paramref name="featurizer"/>.</param>
    public ReplayRunner(IReadOnlyList<string> arms, ReplayCostModel costs, IReadOnlyList<ReplayQuery> test, IReadOnlyList<ReplayQuery>? train, IRequestFeaturizer featurizer, ReplayTuning tuning, IRequestFeaturizer? coldStartFeaturizer = null)
    {
        _coldStartFeaturizer = coldStartFeaturizer ?? featurizer;
        _arms = [.. arms.Select((name, i) => new RouterArm(name, new RecordedChatClient(i, name), costs.Pricing[i]))];
        _armIndex = arms.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        _test = test;
        _costs = costs;
        _featurizer = featurizer;
        _tuning = tuning;
        _warmStart = train is null ? [] : [.. train.Select(q => ToWarmStartExample(arms, q))];
    }

    /// <summary>Gets the featurizer of the routers that learn from scratch (setting online).</summary>
    public IRequestFeaturizer ColdStartFeaturizer => _coldStartFeaturizer;

    /// <summary>Gets the arms every replayed router routes among.</summary>
    public IReadOnlyList<RouterArm> Arms => _arms;

    /// <summary>Gets what the warm start learned from and the penalties it chose, once a warm-started replay has run.</summary>
    public WarmStartResult? WarmStart { get; private set; }

    /// <summary>Gets the number of test queries each replay routes.</summary>
    public int QueryCount => _test.Count;

    /// <summary>Gets whether training data is available for the offline and online-warm settings.</summary>
    public bool HasTraining => _warmStart.Count > 0;

    /// <summary>
    /// Builds a router, warm-starts it when the setting uses training data, and replays the test queries once per seed,
    /// each time in that seed's shuffled order.
    /// </summary>
    /// <remarks>
    /// A router that learns must start afresh for every order, so learning settings take one seed per call. An offline
    /// router never changes while evaluating, so one fitted router replays all the seeds' orders: fitting it again
    /// would give the same model.
    /// </remarks>
    public async Task<IReadOnlyList<ReplayRunResult>> RunAsync(
        ReplayPolicy policy, ReplaySetting setting, double lambda, IReadOnlyList<int> seeds, Action<ReplayRunResult>? progress = null, CancellationToken cancellationToken = default)
    {
        if (seeds.Count == 0 || (setting.Learns() && seeds.Count != 1))
        {
            throw new ArgumentException("A learning router replays exactly one seed per call; an offline one at least one.", nameof(seeds));
        }

        var options = policy.CreateOptions(_tuning, setting, lambda, seeds[0], _costs.CostReferenceUsd, _test.Count * seeds.Count);
        using var warmPolicy = setting.UsesTraining() ? await CopyWarmPolicyAsync(options, cancellationToken).ConfigureAwait(false) : null;
        using var router = new MetaLlmRouter(_arms, options, warmPolicy, featurizer: setting.UsesTraining() ? _featurizer : _coldStartFeaturizer);

        var results = new List<ReplayRunResult>(seeds.Count);
        foreach (int seed in seeds)
        {
            var result = await ReplayAsync(router, policy.Name, setting, lambda, seed, setting.Learns(), cancellationToken).ConfigureAwait(false);
            progress?.Invoke(result);
            results.Add(result);
        }

        return results;
    }

    /// <summary>
    /// Replays the test queries once, in <paramref name="seed"/>'s order, through a router serving with a warm-started,
    /// frozen epsilon-greedy policy (<see cref="FrozenPolicy"/>) that logs every decision to <paramref name="log"/>:
    /// feedback is recorded, so each decision is logged with its propensity, but the policy never learns from it.
    /// </summary>
    /// <returns>What the logging router itself achieved (setting offline: it does not learn).</returns>
    public async Task<ReplayRunResult> LogAsync(OffPolicyLogging logging, double lambda, int seed, IDecisionLog log, CancellationToken cancellationToken = default)
    {
        var tuning = _tuning with { Epsilon = logging.Epsilon };
        var policy = await CreateWarmPolicyAsync(ReplayPolicy.EpsilonGreedy, tuning, lambda, seed, cancellationToken).ConfigureAwait(false);
        try
        {
            var options = ReplayPolicy.EpsilonGreedy.CreateOptions(tuning, ReplaySetting.Offline, lambda, seed, _costs.CostReferenceUsd, _test.Count);
            options.DecisionLog = log;
            using var router = new MetaLlmRouter(_arms, options, policy: new FrozenPolicy(policy), featurizer: _featurizer);
            return await ReplayAsync(router, $"{logging.Name} (logging)", ReplaySetting.Offline, lambda, seed, recordFeedback: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            (policy as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// Creates a policy as <paramref name="policy"/>'s offline router would have it, warm-started on the training file
    /// (the same fitted state every warm-started replay restores). The caller owns it and must dispose it.
    /// </summary>
    public async Task<IRoutingPolicy> CreateWarmPolicyAsync(ReplayPolicy policy, ReplayTuning tuning, double lambda, int seed, CancellationToken cancellationToken = default)
    {
        var options = policy.CreateOptions(tuning, ReplaySetting.Offline, lambda, seed, _costs.CostReferenceUsd, _test.Count);
        return await CopyWarmPolicyAsync(options, cancellationToken).ConfigureAwait(false);
    }

    // A policy of the options' kind and hyper-parameters holding an exact copy of the fitted state (no refactorisation).
    private async Task<LinearBanditPolicy> CopyWarmPolicyAsync(MetaLlmRouterOptions options, CancellationToken cancellationToken)
    {
        var fitted = await WarmStartStateAsync(cancellationToken).ConfigureAwait(false);
        var copy = (LinearBanditPolicy)options.CreatePolicy(_arms.Length, _featurizer.Dimension);
        copy.CopyStateFrom(fitted);
        return copy;
    }

    // The warm start's sums and chosen penalties do not depend on the policy or λ (applied when deciding), so the
    // training set is fitted once and every warm-started router of the sweep starts from a copy of that policy's state
    // (LinearBanditPolicy.CopyStateFrom: no d×d factorisation per router, which each arm's own penalty would need).
    private Task<LinearBanditPolicy> WarmStartStateAsync(CancellationToken cancellationToken)
    {
        lock (_warmStartGate)
        {
            return _warmStartState ??= FitOnceAsync(cancellationToken);
        }

        async Task<LinearBanditPolicy> FitOnceAsync(CancellationToken token)
        {
            var options = new MetaLlmRouterOptions
            {
                FeatureDimension = _featurizer.Dimension,
                LinUcb = { Regularization = _tuning.Regularization, PenaltySelection = _tuning.PenaltySelection },
            };
            var fitted = (LinearBanditPolicy)options.CreatePolicy(_arms.Length, _featurizer.Dimension);
            using var fitter = new MetaLlmRouter(_arms, options, fitted, featurizer: _featurizer);
            WarmStart = await fitter.WarmStartAsync(_warmStart, token).ConfigureAwait(false);
            return fitted;
        }
    }

    // With recordFeedback the router gets every score through RecordFeedback (it learns, unless its policy is frozen, and
    // logs the decision); without, the outcome is only priced (EvaluateOutcome).
    private async Task<ReplayRunResult> ReplayAsync(MetaLlmRouter router, string policyName, ReplaySetting setting, double lambda, int seed, bool recordFeedback, CancellationToken cancellationToken)
    {
        int[] order = Shuffle(_test.Count, seed);
        var picks = new int[_arms.Length];
        double score = 0, reward = 0, regret = 0, normalizedCost = 0;
        decimal cost = 0;
        foreach (int index in order)
        {
            var query = _test[index];
            var response = await router.GetResponseAsync(query.Messages, query.Options, cancellationToken).ConfigureAwait(false);
            int arm = _armIndex[response.GetArmName()!];
            double armScore = query.Outcomes[arm].Score;
            decimal armCost = response.GetCostUsd() ?? throw new InvalidOperationException($"The router computed no cost for arm '{_arms[arm].Name}'.");
            double armReward, armNormalizedCost;
            if (recordFeedback)
            {
                var feedback = router.RecordFeedback(response.GetDecisionId()!, armScore);
                (armReward, armNormalizedCost) = (feedback.Reward, feedback.NormalizedCost);
            }
            else
            {
                var priced = router.EvaluateOutcome(_arms[arm].Name, Outcome(query, arm));
                (armReward, armNormalizedCost) = (priced.Reward, priced.NormalizedCost);
            }

            picks[arm]++;
            score += armScore;
            cost += armCost;
            reward += armReward;
            normalizedCost += armNormalizedCost;
            regret += BestReward(router, query) - armReward;
        }

        int n = _test.Count;
        return new ReplayRunResult(policyName, setting, lambda, seed, score / n, (double)(cost / n), reward / n, regret, [.. picks.Select(p => (double)p / n)])
        {
            MeanNormalizedCost = normalizedCost / n,
        };
    }

    internal static int[] Shuffle(int count, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }

    // The router's own reward function prices every arm's recorded outcome: no second copy of the cost rule here.
    private double BestReward(MetaLlmRouter router, ReplayQuery query)
    {
        double best = double.NegativeInfinity;
        for (int arm = 0; arm < _arms.Length; arm++)
        {
            best = Math.Max(best, router.EvaluateOutcome(_arms[arm].Name, Outcome(query, arm)).Reward);
        }

        return best;
    }

    private static ArmOutcome Outcome(ReplayQuery query, int arm) =>
        new(query.Outcomes[arm].Score, new UsageDetails { InputTokenCount = query.Usage[arm].InputTokens, OutputTokenCount = query.Usage[arm].OutputTokens });

    private static WarmStartExample ToWarmStartExample(IReadOnlyList<string> arms, ReplayQuery query)
    {
        var outcomes = new Dictionary<string, ArmOutcome>(arms.Count, StringComparer.Ordinal);
        for (int arm = 0; arm < arms.Count; arm++)
        {
            var usage = query.Usage[arm];
            outcomes[arms[arm]] = new ArmOutcome(
                query.Outcomes[arm].Score,
                new UsageDetails { InputTokenCount = usage.InputTokens, OutputTokenCount = usage.OutputTokens });
        }

        return new WarmStartExample(query.Messages, outcomes);
    }
}
