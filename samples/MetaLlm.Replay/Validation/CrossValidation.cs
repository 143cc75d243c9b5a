using System.Collections.Concurrent;
using System.Diagnostics;
using MetaLlm.Replay.DatasetReaders;
using MetaLlm.Replay.Experiments;
using MetaLlm.Replay.Reporting;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.Validation;

/// <summary>
/// Cross-validates on the training file alone (<c>--validate</c>): for each fold, a <see cref="ReplayExperiment"/>
/// warm-starts on the other folds and replays the held-out one with the request's policies, settings, λ and seeds;
/// then the folds are pooled. The test file is never read.
/// </summary>
internal sealed class CrossValidation : IDisposable
{
    private readonly ReplayRequest _request;
    private readonly IReadOnlyList<ReplayExperiment> _experiments;

    private CrossValidation(ReplayRequest request, ValidationScheme scheme, string datasetName, ReplayDataset data, IReadOnlyList<ValidationFold> folds, IReadOnlyList<ReplayExperiment> experiments)
    {
        _request = request;
        Scheme = scheme;
        DatasetName = datasetName;
        Data = data;
        Folds = folds;
        _experiments = experiments;
    }

    public ValidationScheme Scheme { get; }

    /// <summary>Gets the name the split dataset is reported under.</summary>
    public string DatasetName { get; }

    /// <summary>Gets the split dataset: the training file.</summary>
    public ReplayDataset Data { get; }

    public IReadOnlyList<ValidationFold> Folds { get; }

    /// <summary>Gets the number of replays <see cref="RunAsync"/> performs, over all folds.</summary>
    public int RunCount => _experiments.Sum(e => e.RunCount);

    /// <summary>Gets the number of distinct prompts to embed before replaying (0 for the hashing featurizer).</summary>
    public int TextsToEmbed => _request.Tuning.Featurizer == ReplayFeaturizerKind.Hashing ? 0 : ReplayFeatures.DistinctRoutingTexts(Requests()).Count;

    /// <summary>Gets the features every fold routes on, once prepared.</summary>
    public ReplayFeatures? Features { get; private set; }

    /// <summary>Reads the training file, makes the folds and each fold's experiment; throws <see cref="ReplayDataException"/> or <see cref="ArgumentException"/> on bad input.</summary>
    public static CrossValidation Load(ReplayRequest request)
    {
        var scheme = request.Validation ?? throw new ArgumentException("The request names no validation scheme (--validate).", nameof(request));
        if (request.TrainPath is null)
        {
            throw new ArgumentException("--validate splits the training file: give --train PATH.");
        }

        ReplayExperiment.CheckOptions(request);
        var data = DatasetReader.Read(request.TrainPath, request.Format);
        var prices = request.PricesPath is null ? null : PriceTableReader.Read(request.PricesPath);
        var folds = ValidationFolds.Make(data, scheme);
        string name = request.TrainDatasetName ?? data.Name;

        // Building every fold's experiment now reports bad data (a missing price, say) before the first replay.
        var experiments = folds
            .Select(f => ReplayExperiment.ForFold(request with { DatasetName = $"{name} {f.Name}", TrainDatasetName = $"{name} without {f.Name}", Queries = null }, f.Test, f.Train, prices))
            .ToList();
        return new CrossValidation(request, scheme, name, data, folds, experiments);
    }

    /// <summary>Featurizes every query of the training file once (for MiniLM: embeds, reading and saving the cache); every fold reuses the result.</summary>
    /// <param name="embeddingProgress">Called with (texts done, distinct texts) while embedding.</param>
    /// <param name="cancellationToken">Cancels the embedding.</param>
    public async Task<ReplayFeatures> PrepareFeaturesAsync(Action<int, int>? embeddingProgress = null, CancellationToken cancellationToken = default)
    {
        if (Features is null)
        {
            Features = await ReplayFeatures.PrepareAsync(_request.Tuning, Requests(), _request.EmbeddingCachePath, _request.ShippedEmbeddingsPath, embeddingProgress, cancellationToken).ConfigureAwait(false);
            foreach (var experiment in _experiments)
            {
                experiment.UseSharedFeatures(Features);
            }
        }

        return Features;
    }

    /// <summary>Replays every fold in turn and returns the pooled out-of-fold report, whose <see cref="ReplayReport.Validation"/> holds the per-fold and pooled results.</summary>
    public async Task<ReplayReport> RunAsync(Action<ReplayRunResult>? progress = null, CancellationToken cancellationToken = default)
    {
        var features = await PrepareFeaturesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var foldRuns = new List<(int Queries, IReadOnlyList<ReplayRunResult> Runs)>();
        var foldResults = new List<ValidationFoldResult>();
        ReplayReport? lastFold = null;
        for (int i = 0; i < Folds.Count; i++)
        {
            var runs = new ConcurrentQueue<ReplayRunResult>();
            var report = await _experiments[i].RunAsync(
                run =>
                {
                    runs.Enqueue(run);
                    progress?.Invoke(run);
                },
                cancellationToken).ConfigureAwait(false);
            foldRuns.Add((Folds[i].Test.Queries.Count, [.. runs]));
            foldResults.Add(ValidationSummary.Summarize(Folds[i].Name, report, Folds[i].Train.Queries.Count, keepPoints: true));
            lastFold = report;
        }

        // The pooled report replays the whole file, each query by its own fold's router: the baselines are those of
        // the whole file (arms charge the same in every fold, so any fold's cost model prices them).
        int meanTrain = (int)Math.Round(Folds.Average(f => f.Train.Queries.Count));
        var pooled = ReplayExperiment.BuildReport(
            DatasetName, Data.Arms, Data.Queries, _experiments[0].Costs, ValidationSummary.Pool(foldRuns), features.Featurizer, _request.Tuning, $"{DatasetName}, the folds not held out", meanTrain);
        pooled.ColdStartFeaturizer = lastFold?.ColdStartFeaturizer;
        pooled.ElapsedSeconds = Math.Round((clock.Elapsed + features.Elapsed).TotalSeconds, 2);
        pooled.FeaturizingSeconds = Math.Round(features.Elapsed.TotalSeconds, 2);
        pooled.Validation = new ValidationReport
        {
            Scheme = Scheme.Name,
            FoldCount = Folds.Count,
            FoldSeed = Scheme.Kind == ValidationKind.KFold ? Scheme.Seed : null,
            Dataset = DatasetName,
            Queries = Data.Queries.Count,
            Folds = foldResults,
            Pooled = ValidationSummary.Summarize("pooled", pooled, meanTrain, keepPoints: false),
        };
        return pooled;
    }

    /// <summary>Releases the embedding model, if one was loaded.</summary>
    public void Dispose() => Features?.Dispose();

    private List<IReadOnlyList<ChatMessage>> Requests() => [.. Data.Queries.Select(q => q.Messages)];
}
