using MetaLlm.Replay.Reporting;

namespace MetaLlm.Replay.Experiments;

/// <summary>The hyper-parameters every replayed router is built with.</summary>
internal sealed record ReplayTuning
{
    /// <summary>Gets LinUCB's α (MetaLlmRouterOptions.Exploration for linucb).</summary>
    public double Alpha { get; init; } = 0.1;

    /// <summary>Gets Thompson sampling's posterior scale (MetaLlmRouterOptions.Exploration for thompson).</summary>
    public double PosteriorScale { get; init; } = 0.1;

    /// <summary>Gets ε of epsilon-greedy.</summary>
    public double Epsilon { get; init; } = 0.02;

    /// <summary>
    /// Gets how the warm start chooses each arm's ridge penalty: by leave-one-out on the training file (the library's
    /// default, <see cref="RidgePenaltySelection.PerArm"/>), or <see cref="RidgePenaltySelection.Configured"/> to use
    /// <see cref="Regularization"/> as given.
    /// </summary>
    public RidgePenaltySelection PenaltySelection { get; init; } = RidgePenaltySelection.PerArm;

    /// <summary>Gets the configured ridge penalty (the library's default): a candidate of the selection, and every arm's penalty with <see cref="RidgePenaltySelection.Configured"/>.</summary>
    public double Regularization { get; init; } = 1;

    /// <summary>
    /// Gets the ridge penalty in the online setting, which starts with no data: a penalty sized for thousands of
    /// warm-start examples would drown the first hundreds of rewards and lock the router onto its first choice.
    /// </summary>
    public double ColdStartRegularization { get; init; } = 1.0;

    /// <summary>Gets the exploration weight (LinUCB's α, Thompson's posterior scale) in the online setting, which has no warm start to lean on.</summary>
    public double ColdStartExploration { get; init; } = 0.5;

    /// <summary>
    /// Gets the number of features (bias included) the online setting decides on: the featurizer's leading principal
    /// components, fitted on the prompts alone (the training file's, or the replayed file's without one), since a router
    /// learning from scratch wastes its first thousands of queries exploring the hundreds of weak directions of a full
    /// embedding; <see langword="null"/> routes on the full features. Not applied with <see cref="PrincipalComponents"/>
    /// or <see cref="Projection"/>, which shape every setting's features.
    /// </summary>
    public int? ColdStartPrincipalComponents { get; init; } = 16;

    /// <summary>
    /// Gets the featurizer every router routes on. MiniLM is the default because it routes better on dcrouter with every
    /// warm-started policy (README); hashing needs no model and replays several times faster.
    /// </summary>
    public ReplayFeaturizerKind Featurizer { get; init; } = ReplayFeaturizerKind.MiniLm;

    /// <summary>Gets how many tokens of a routing text MiniLM reads (the package's default, 256).</summary>
    public int EmbeddingMaxTokens { get; init; } = 256;

    /// <summary>Gets the dimension of the hashing featurizer, bias included.</summary>
    public int FeatureDimension { get; init; } = 128;

    /// <summary>Gets the hashing featurizer's share of weight on words (the rest goes to character trigrams).</summary>
    public double WordWeight { get; init; } = 0.5;

    /// <summary>Gets the dimension of a hashing featurizer whose features are appended to the featurizer's (a <see cref="ConcatenatedFeaturizer"/>), or <see langword="null"/> for none.</summary>
    public int? WithHashing { get; init; }

    /// <summary>Gets the number of features (bias included) a seeded random projection shrinks the featurizer's vectors to, or <see langword="null"/> for none.</summary>
    public int? Projection { get; init; }

    /// <summary>Gets the number of features (bias included) of a principal-component projection fitted on the training file's prompts (the test file's without one), or <see langword="null"/> for none.</summary>
    public int? PrincipalComponents { get; init; }

    /// <summary>Gets whether the principal-component projection divides each coordinate by its standard deviation.</summary>
    public bool WhitenPrincipalComponents { get; init; }

    /// <summary>Gets the answer length assumed when a file records no output tokens.</summary>
    public int AssumedOutputTokens { get; init; } = 200;

    /// <summary>Describes these hyper-parameters for the report; settings of the featurizer not used are left out.</summary>
    /// <param name="featureDimension">The featurizer's dimension, bias included.</param>
    public TuningResult ToResult(int featureDimension)
    {
        bool hashing = Featurizer == ReplayFeaturizerKind.Hashing;
        return new(
            Alpha,
            PosteriorScale,
            Epsilon,
            Regularization,
            PenaltySelection.ToName(),
            ColdStartRegularization,
            ColdStartExploration,
            ColdStartPrincipalComponents,
            Featurizer.ToName(),
            featureDimension,
            hashing ? WordWeight : null,
            hashing ? null : EmbeddingMaxTokens,
            WithHashing,
            Projection,
            PrincipalComponents,
            PrincipalComponents is null ? null : WhitenPrincipalComponents,
            AssumedOutputTokens);
    }
}
