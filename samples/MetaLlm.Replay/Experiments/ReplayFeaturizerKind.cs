namespace MetaLlm.Replay.Experiments;

/// <summary>The featurizers a replay can route on.</summary>
internal enum ReplayFeaturizerKind
{
    /// <summary>The core's <see cref="HashingFeaturizer"/>: hashed word and character n-grams, no model.</summary>
    Hashing,

    /// <summary>all-MiniLM-L6-v2 sentence embeddings computed on the CPU by <c>MetaLlm.Embeddings.Local</c>.</summary>
    MiniLm,
}

/// <summary>The command-line names of <see cref="ReplayFeaturizerKind"/>.</summary>
internal static class ReplayFeaturizerNames
{
    public static ReplayFeaturizerKind Parse(string name) => name.ToLowerInvariant() switch
    {
        "hashing" => ReplayFeaturizerKind.Hashing,
        "minilm" => ReplayFeaturizerKind.MiniLm,
        _ => throw new ArgumentException($"Unknown --featurizer '{name}'; expected hashing or minilm."),
    };

    public static string ToName(this ReplayFeaturizerKind kind) => kind switch
    {
        ReplayFeaturizerKind.Hashing => "hashing",
        ReplayFeaturizerKind.MiniLm => "minilm",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown featurizer."),
    };
}
