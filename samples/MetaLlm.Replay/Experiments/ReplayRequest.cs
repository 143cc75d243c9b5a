using MetaLlm.Replay.DatasetReaders;

namespace MetaLlm.Replay.Experiments;

/// <summary>What to replay and how: the parsed command line.</summary>
internal sealed record ReplayRequest
{
    /// <summary>The default λ grid: from "ignore price" (0) to "always the cheapest" (large λ makes price dominate).</summary>
    public static readonly IReadOnlyList<double> DefaultLambdas = [0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 10];

    public required string TestPath { get; init; }

    public string? TrainPath { get; init; }

    /// <summary>Gets the name reported for the test data, or <see langword="null"/> for its file name.</summary>
    public string? DatasetName { get; init; }

    /// <summary>Gets the name reported for the training data, or <see langword="null"/> for its file name.</summary>
    public string? TrainDatasetName { get; init; }

    public string? PricesPath { get; init; }

    public DatasetFormat Format { get; init; } = DatasetFormat.Auto;

    public IReadOnlyList<ReplayPolicy> Policies { get; init; } = ReplayPolicy.All;

    /// <summary>Gets the settings, or <see langword="null"/> for all that the data allows.</summary>
    public IReadOnlyList<ReplaySetting>? Settings { get; init; }

    public IReadOnlyList<double> Lambdas { get; init; } = DefaultLambdas;

    public int Seeds { get; init; } = 5;

    /// <summary>Gets the number of test queries to replay (cycling through the file when larger), or <see langword="null"/> for all.</summary>
    public int? Queries { get; init; }

    public ReplayTuning Tuning { get; init; } = new();

    public int MaxParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Gets the file MiniLM embeddings are read from and saved to, or <see langword="null"/> to keep them in memory only.</summary>
    public string? EmbeddingCachePath { get; init; }

    /// <summary>
    /// Gets the cross-validation to run on the training file instead of replaying the test file, or
    /// <see langword="null"/> for a plain replay. A validation run never reads <see cref="TestPath"/>.
    /// </summary>
    public ValidationScheme? Validation { get; init; }

    /// <summary>
    /// Gets the logging policy of the off-policy mode (<c>--off-policy-log</c>), or <see langword="null"/> for a plain
    /// replay. With it the <see cref="Policies"/> are replayed offline and also evaluated from that policy's log.
    /// </summary>
    public OffPolicyLogging? OffPolicy { get; init; }

    /// <summary>Gets whether to compare a ridge and a logistic score model offline on the training file (<c>--score-models on</c>; needs training data).</summary>
    public bool CompareScoreModels { get; init; }

    /// <summary>
    /// Gets the file of MiniLM vectors shipped for the bundled dataset (<see cref="ShippedEmbeddings"/>) that is read
    /// before embedding, or <see langword="null"/> to embed every prompt with the model.
    /// </summary>
    public string? ShippedEmbeddingsPath { get; init; }

    /// <summary>Gets the file to write the exact embeddings of every prompt to, as shipped embeddings, instead of replaying; or <see langword="null"/>.</summary>
    public string? WriteShippedEmbeddingsPath { get; init; }

    public string? ReportPath { get; init; }

    public string? PlotPath { get; init; }
}
