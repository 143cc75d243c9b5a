namespace MetaLlm.Replay.Replay;

/// <summary>The hyper-parameters every replayed router is built with.</summary>
internal sealed record ReplayTuning
{
    /// <summary>Gets LinUCB's α (MetaLlmRouterOptions.Exploration for linucb).</summary>
    public double Alpha { get; init; } = 0.1;

    /// <summary>Gets Thompson sampling's posterior scale (MetaLlmRouterOptions.Exploration for thompson).</summary>
    public double PosteriorScale { get; init; } = 0.1;

    /// <summary>Gets ε of epsilon-greedy.</summary>
    public double Epsilon { get; init; } = 0.02;

    /// <summary>Gets the ridge penalty of every arm's model.</summary>
    public double Regularization { get; init; } = 20;

    /// <summary>Gets the dimension of the hashing featurizer, bias included.</summary>
    public int FeatureDimension { get; init; } = 128;

    /// <summary>Gets the answer length assumed when a file records no output tokens.</summary>
    public int AssumedOutputTokens { get; init; } = 200;
}
