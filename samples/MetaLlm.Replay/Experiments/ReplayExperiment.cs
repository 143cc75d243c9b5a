using System.Diagnostics;
using System.Globalization;
using MetaLlm.Replay.DatasetReaders;
using MetaLlm.Replay.Evaluation;
using MetaLlm.Replay.Reporting;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.Experiments;

/// <summary>Loads the data, replays every policy × setting × λ × seed through the router, and builds the report.</summary>
internal sealed class ReplayExperiment : IDisposable
{
    private readonly ReplayRequest _request;

    // False when the features belong to the caller (cross-validation shares one set across its folds).
    private bool _ownsFeatures = true;

    private ReplayExperiment(ReplayRequest request, ReplayDataset test, ReplayDataset? train, IReadOnlyList<ReplayQuery> queries, ReplayCostModel costs, IReadOnlyList<ReplaySetting> settings)
    {
        _request = request;
        Test = test;
        Train = train;
        Queries = queries;
        Costs = costs;
        Settings = settings;
    }

    public ReplayDataset Test { get; }

    public ReplayDataset? Train { get; }

    /// <summary>Gets the evaluated queries (the test file, or the first <see cref="ReplayRequest.Queries"/> of it, cycled).</summary>
    public IReadOnlyList<ReplayQuery> Queries { get; }

    public ReplayCostModel Costs { get; }

    public IReadOnlyList<ReplaySetting> Settings { get; }

    /// <summary>Gets the number of replays <see cref="RunAsync"/> performs.</summary>
    public int RunCount => (Plan().Count + (_request.OffPolicy is null ? 0 : _request.Lambdas.Count)) * _request.Seeds;

    /// <summary>Reads and checks every input; throws <see cref="ReplayDataException"/> or <see cref="ArgumentException"/> on bad input.</summary>
    public static ReplayExperiment Load(ReplayRequest request)
    {
        CheckOptions(request);
        var test = DatasetReader.Read(request.TestPath, request.Format);
        var train = request.TrainPath is null ? null : DatasetReader.Read(request.TrainPath, request.Format);
        var prices = request.PricesPath is null ? null : PriceTableReader.Read(request.PricesPath);
        return Create(request, test, train, prices);
    }

    /// <summary>
    /// Builds the experiment of one fold of a cross-validation: <paramref name="test"/> is the held-out part of a
    /// training file, <paramref name="train"/> the rest, both already read; the folds share <paramref name="features"/>,
    /// which this experiment does not dispose.
    /// </summary>
    /// <remarks>This sets the queries' <see cref="ReplayQuery.Usage"/>, a function of the query, the prices and the assumed answer length only, so folds sharing queries agree on it.</remarks>
    public static ReplayExperiment ForFold(ReplayRequest request, ReplayDataset test, ReplayDataset train, IReadOnlyDictionary<string, ModelPricing>? prices)
    {
        CheckOptions(request);
        return Create(request, test, train, prices);
    }

    /// <summary>Makes this experiment route on <paramref name="features"/>, prepared by the caller for (at least) its queries, instead of preparing its own; it will not dispose them.</summary>
    public void UseSharedFeatures(ReplayFeatures features)
    {
        if (Features is not null)
        {
            throw new InvalidOperationException("The features are already prepared.");
        }

        Features = features;
        _ownsFeatures = false;
    }

    /// <summary>Checks the options that need no file; throws <see cref="ArgumentException"/> on bad ones.</summary>
    public static void CheckOptions(ReplayRequest request)
    {
        if (request.Seeds < 1)
        {
            throw new ArgumentException($"--seeds must be at least 1, but was {request.Seeds}.");
        }

        if (request.Lambdas.Count == 0 || request.Lambdas.Any(l => !(l >= 0) || double.IsInfinity(l)))
        {
            throw new ArgumentException("--lambdas must list finite, non-negative cost weights.");
        }

        if (request.Policies.Count == 0)
        {
            throw new ArgumentException("--policies must name at least one policy.");
        }

        // Bad featurizer settings are reported before any file is read, not halfway through the replays.
        ReplayFeatures.Validate(request.Tuning, request.EmbeddingCachePath);
    }

    private static ReplayExperiment Create(ReplayRequest request, ReplayDataset test, ReplayDataset? train, IReadOnlyDictionary<string, ModelPricing>? prices)
    {
        if (train is not null && !train.Arms.Order(StringComparer.Ordinal).SequenceEqual(test.Arms.Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            var onlyTest = test.Arms.Except(train.Arms).ToList();
            var onlyTrain = train.Arms.Except(test.Arms).ToList();
            throw new ReplayDataException(
                train.Path,
                null,
                $"its models differ from the test file {test.Path}: only in test: [{string.Join(", ", onlyTest)}]; only in train: [{string.Join(", ", onlyTrain)}].");
        }

        if (train is not null)
        {
            train = Reorder(train, test.Arms);
        }

        var costs = ReplayCostModel.Apply(test.Arms, test, train, prices, request.PricesPath, request.Tuning.AssumedOutputTokens);

        if (request.CompareScoreModels && train is null)
        {
            throw new ArgumentException("--score-models fits the score models on training data: give --train PATH.");
        }

        if (request.OffPolicy is not null && train is null)
        {
            throw new ArgumentException("--off-policy-log needs training data: the logging router and the candidates are warm-started on --train.");
        }

        if (request.OffPolicy is not null && request.Settings is { } given && !given.SequenceEqual([ReplaySetting.Offline]))
        {
            throw new ArgumentException("--off-policy-log evaluates frozen (offline) policies; --settings must be offline or left out.");
        }

        IReadOnlyList<ReplaySetting> settings = request.OffPolicy is not null ? [ReplaySetting.Offline]
            : request.Settings ?? (train is null ? [ReplaySetting.Online] : [ReplaySetting.Offline, ReplaySetting.Online, ReplaySetting.OnlineWarm]);
        if (train is null && settings.Any(s => s.UsesTraining()))
        {
            throw new ArgumentException("The offline and online-warm settings need training data: give --train PATH, or use --settings online.");
        }

        IReadOnlyList<ReplayQuery> queries = request.Queries is int n
            ? [.. Enumerable.Range(0, n).Select(i => test.Queries[i % test.Queries.Count])]
            : test.Queries;
        if (queries.Count == 0)
        {
            throw new ArgumentException("--queries must be at least 1.");
        }

        return new ReplayExperiment(request, test, train, queries, costs, settings);
    }

    /// <summary>Gets the number of distinct prompts to embed before replaying (0 for the hashing featurizer).</summary>
    public int TextsToEmbed => _request.Tuning.Featurizer == ReplayFeaturizerKind.Hashing
        ? 0
        : ReplayFeatures.DistinctRoutingTexts(AllRequests()).Count;

    /// <summary>Gets the prepared features, or <see langword="null"/> before <see cref="RunAsync"/> or <see cref="PrepareFeaturesAsync"/>.</summary>
    public ReplayFeatures? Features { get; private set; }

    /// <summary>
    /// Featurizes every test and training query once (for MiniLM: embeds each distinct prompt, reading and saving the
    /// embedding cache). <see cref="RunAsync"/> does this itself when it has not been done.
    /// </summary>
    /// <param name="embeddingProgress">Called with (texts done, distinct texts) while embedding.</param>
    /// <param name="cancellationToken">Cancels the embedding.</param>
    public async Task<ReplayFeatures> PrepareFeaturesAsync(Action<int, int>? embeddingProgress = null, CancellationToken cancellationToken = default)
    {
        return Features ??= await ReplayFeatures.PrepareAsync(_request.Tuning, AllRequests(), _request.EmbeddingCachePath, _request.ShippedEmbeddingsPath, embeddingProgress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Embeds every test and training prompt exactly and writes them to <paramref name="path"/> as shipped embeddings.</summary>
    /// <returns>The number of vectors written.</returns>
    public Task<int> WriteShippedEmbeddingsAsync(string path, Action<int, int>? embeddingProgress = null, CancellationToken cancellationToken = default) =>
        ReplayFeatures.WriteShippedAsync(_request.Tuning, AllRequests(), _request.EmbeddingCachePath, path, embeddingProgress, cancellationToken);

    /// <summary>Replays everything, reporting each finished replay through <paramref name="progress"/>.</summary>
    public async Task<ReplayReport> RunAsync(Action<ReplayRunResult>? progress = null, CancellationToken cancellationToken = default)
    {
        var tuning = _request.Tuning;
        var features = await PrepareFeaturesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        IRequestFeaturizer featurizer = tuning.WithHashing is int hashing
            ? new ConcatenatedFeaturizer(features.Featurizer, new HashingFeaturizer(hashing))
            : features.Featurizer;
        IRequestFeaturizer? coldStartFeaturizer = null;
        if (tuning.PrincipalComponents is int components)
        {
            featurizer = await FitPrincipalComponentsAsync(featurizer, components, tuning.WhitenPrincipalComponents, cancellationToken).ConfigureAwait(false);
        }
        else if (tuning.Projection is null && tuning.ColdStartPrincipalComponents is int coldComponents
            && coldComponents < featurizer.Dimension && Settings.Contains(ReplaySetting.Online))
        {
            coldStartFeaturizer = await FitPrincipalComponentsAsync(featurizer, coldComponents, whiten: false, cancellationToken).ConfigureAwait(false);
        }

        if (tuning.Projection is int projection)
        {
            featurizer = new RandomProjectionFeaturizer(featurizer, projection);
        }

        var runner = new ReplayRunner(Test.Arms, Costs, Queries, Train?.Queries, featurizer, tuning, coldStartFeaturizer);

        // Learning settings need a fresh router per seed; offline ones share one fitted router across seeds. The
        // dearest jobs (with a warm start) go first so the cores stay busy to the end.
        var jobs = Plan()
            .SelectMany(p => p.Setting.Learns()
                ? Enumerable.Range(0, _request.Seeds).Select(seed => (p.Policy, p.Setting, p.Lambda, Seeds: (int[])[seed]))
                : [(p.Policy, p.Setting, p.Lambda, Seeds: Enumerable.Range(0, _request.Seeds).ToArray())])
            .OrderByDescending(j => j.Setting.UsesTraining())
            .ToList();
        var results = new IReadOnlyList<ReplayRunResult>[jobs.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, jobs.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _request.MaxParallelism), CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var job = jobs[i];
                results[i] = await runner.RunAsync(job.Policy, job.Setting, job.Lambda, job.Seeds, progress, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);

        var replays = results.SelectMany(r => r).ToList();
        var report = BuildReport(_request.DatasetName ?? Test.Name, Test.Arms, Queries, Costs, replays, featurizer, _request.Tuning, Train is null ? null : _request.TrainDatasetName ?? Train.Name, Train?.Queries.Count ?? 0);
        if (_request.OffPolicy is { } logging)
        {
            // The offline replays just made are the candidates' truths; the logs replay the same queries.
            report.OffPolicy = await OffPolicyReplay.RunAsync(
                runner, logging, _request.Policies, tuning, _request.Lambdas, _request.Seeds, Costs.CostReferenceUsd, replays, _request.MaxParallelism, progress, cancellationToken).ConfigureAwait(false);
        }

        report.ColdStartFeaturizer = Settings.Contains(ReplaySetting.Online) ? runner.ColdStartFeaturizer.Name : null;
        report.WarmStart = runner.WarmStart is { } warmStart ? WarmStartSummary.From(warmStart, runner.Arms) : null;
        if (Train is not null)
        {
            var trainFeatures = await FeaturizeAsync(featurizer, Train.Queries, cancellationToken).ConfigureAwait(false);
            var testFeatures = await FeaturizeAsync(featurizer, Queries, cancellationToken).ConfigureAwait(false);
            var baselines = Baselines.Compute(Queries, Costs);
            var nearest = NearestNeighborBaseline.Compute(Train.Queries, trainFeatures, Queries, testFeatures, Costs, _request.Lambdas);
            report.NearestNeighbor = NearestNeighborResult.From(nearest, report.BestSingle, baselines);
            if (_request.CompareScoreModels)
            {
                report.ScoreModels = [.. ScoreModelComparison.Compute(Train.Queries, trainFeatures, Queries, testFeatures, Costs, _request.Lambdas)
                    .Select(m => ScoreModelResult.From(m, Test.Arms, report.BestSingle, baselines))];
            }
        }

        report.ElapsedSeconds = Math.Round((clock.Elapsed + features.Elapsed).TotalSeconds, 2);
        report.FeaturizingSeconds = Math.Round(features.Elapsed.TotalSeconds, 2);
        return report;
    }

    /// <summary>
    /// Fits <paramref name="featurizer"/>'s leading principal components on prompts alone (never outcomes): the training
    /// file's, or the replayed file's when there is none, as a production router fits them on a sample of its traffic.
    /// </summary>
    private async Task<PrincipalComponentFeaturizer> FitPrincipalComponentsAsync(IRequestFeaturizer featurizer, int components, bool whiten, CancellationToken cancellationToken)
    {
        var samples = Train?.Queries ?? Test.Queries;
        var vectors = await FeaturizeAsync(featurizer, samples, cancellationToken).ConfigureAwait(false);
        return PrincipalComponentFeaturizer.Fit(featurizer, [.. vectors.SelectMany(v => v)], vectors.Count, Math.Min(components, featurizer.Dimension), whiten);
    }

    private static async Task<List<float[]>> FeaturizeAsync(IRequestFeaturizer featurizer, IReadOnlyList<ReplayQuery> queries, CancellationToken cancellationToken)
    {
        var vectors = new List<float[]>(queries.Count);
        foreach (var query in queries)
        {
            var x = new float[featurizer.Dimension];
            await featurizer.FeaturizeAsync(query.Messages, query.Options, x, cancellationToken).ConfigureAwait(false);
            vectors.Add(x);
        }

        return vectors;
    }

    /// <summary>Releases the embedding model, if one was loaded.</summary>
    public void Dispose()
    {
        if (_ownsFeatures)
        {
            Features?.Dispose();
        }
    }

    /// <summary>Every distinct message list the replays route or train on.</summary>
    private IReadOnlyCollection<IReadOnlyList<ChatMessage>> AllRequests() =>
        [.. Queries.Select(q => q.Messages).Concat(Train?.Queries.Select(q => q.Messages) ?? []).Distinct(ReferenceEqualityComparer.Instance).Cast<IReadOnlyList<ChatMessage>>()];

    private List<(ReplayPolicy Policy, ReplaySetting Setting, double Lambda)> Plan() =>
        [.. from policy in _request.Policies
            from setting in Settings
            where setting.UsesTraining() || !policy.NeedsTraining
            from lambda in _request.Lambdas
            select (policy, setting, lambda)];

    /// <summary>
    /// Builds the report of replays on <paramref name="queries"/>: averages the runs of each policy × setting × λ over
    /// their seeds and compares them with the baselines. Cross-validation uses it for its pooled out-of-fold report.
    /// </summary>
    internal static ReplayReport BuildReport(
        string dataset,
        IReadOnlyList<string> arms,
        IReadOnlyList<ReplayQuery> queries,
        ReplayCostModel costs,
        IReadOnlyList<ReplayRunResult> results,
        IRequestFeaturizer featurizer,
        ReplayTuning tuning,
        string? trainDataset,
        int trainQueries)
    {
        var baselines = Baselines.Compute(queries, costs);
        var points = results
            .GroupBy(r => (r.Policy, r.Setting, r.Lambda))
            .Select(g => Aggregate(g.Key.Policy, g.Key.Setting, g.Key.Lambda, [.. g], arms))
            .ToList();
        var routerPoints = points.Select(p => new CostAccuracyPoint(p.CostPerQuery, p.Accuracy)).ToList();
        var singles = arms.Select((a, i) => new SingleModelResult(a, baselines.Singles[i].Accuracy, baselines.Singles[i].Cost)).ToList();
        var bestSingle = singles.OrderByDescending(s => s.Accuracy).ThenBy(s => s.CostPerQuery).First();
        var routerFrontier = new CostAccuracyFrontier(baselines.Singles.Concat(routerPoints));

        return new ReplayReport
        {
            Dataset = dataset,
            Queries = queries.Count,
            Arms = arms,
            Singles = singles,
            Oracle = new BaselineResult(baselines.Oracle.Accuracy, baselines.Oracle.Cost),
            Points = points,
            Aiq = new AiqResult(baselines.Aiq(routerPoints), baselines.Aiq([]), baselines.Aiq([baselines.Oracle])),
            Featurizer = featurizer.Name,
            TrainDataset = trainDataset,
            TrainQueries = trainQueries,
            Random = new BaselineResult(baselines.Random.Accuracy, baselines.Random.Cost),
            CostEstimate = costs.Description,
            CostReferenceUsd = costs.CostReferenceUsd,
            LambdaUnits = costs.CostReferenceUsd is { } reference
                ? string.Create(CultureInfo.InvariantCulture, $"MetaLlmRouterOptions.CostWeight with CostReferenceUsd = {reference}: reward = score − λ·cost/{reference}$")
                : "MetaLlmRouterOptions.CostWeight with the default normalisation: reward = score − λ·cost/(what the dearest arm would charge for the same tokens); unitless",
            Tuning = tuning.ToResult(featurizer.Dimension),
            AiqByPolicy = [.. points
                .GroupBy(p => (p.Policy, p.Setting))
                .Select(g => new PolicyAiqResult(
                    g.Key.Policy,
                    g.Key.Setting,
                    baselines.Aiq(g.Select(p => new CostAccuracyPoint(p.CostPerQuery, p.Accuracy))),
                    [.. results
                        .Where(r => r.Policy == g.Key.Policy && r.Setting.ToName() == g.Key.Setting)
                        .GroupBy(r => r.Seed)
                        .OrderBy(s => s.Key)
                        .Select(s => baselines.Aiq(s.Select(r => new CostAccuracyPoint(r.CostPerQuery, r.Accuracy))))]))],
            BestSingle = bestSingle,
            AtBestSingleBudget = BestSingleComparison.MostAccurateWithin(points, p => p.CostPerQuery, p => p.Accuracy, bestSingle.CostPerQuery),
            CheapestMatchingBestSingle = BestSingleComparison.CheapestReaching(points, p => p.CostPerQuery, p => p.Accuracy, bestSingle.Accuracy),
            ZeroRouterFrontier = [.. baselines.ZeroRouter.Vertices.Select(v => new BaselineResult(v.Accuracy, v.Cost))],
            RouterFrontier = [.. routerFrontier.Vertices.Select(v => new BaselineResult(v.Accuracy, v.Cost))],
        };
    }

    private static RouterPointResult Aggregate(string policy, ReplaySetting setting, double lambda, List<ReplayRunResult> runs, IReadOnlyList<string> arms) => new()
    {
        Policy = policy,
        Setting = setting.ToName(),
        Lambda = lambda,
        Seeds = runs.Count,
        Accuracy = runs.Average(r => r.Accuracy),
        AccuracyStd = SampleStd(runs.Select(r => r.Accuracy)),
        CostPerQuery = runs.Average(r => r.CostPerQuery),
        CostPerQueryStd = SampleStd(runs.Select(r => r.CostPerQuery)),
        MeanReward = runs.Average(r => r.MeanReward),
        RegretVsOracle = runs.Average(r => r.RegretVsOracle),
        ArmShares = arms.Select((a, i) => (a, share: runs.Average(r => r.ArmShares[i]))).ToDictionary(p => p.a, p => p.share, StringComparer.Ordinal),
    };

    private static double SampleStd(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count < 2)
        {
            return 0;
        }

        double mean = list.Average();
        return Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1));
    }

    // The policy numbers arms in the test file's order; the training file must speak of them in the same order.
    private static ReplayDataset Reorder(ReplayDataset train, IReadOnlyList<string> arms)
    {
        if (train.Arms.SequenceEqual(arms, StringComparer.Ordinal))
        {
            return train;
        }

        var map = arms.Select(a => train.Arms.ToList().IndexOf(a)).ToArray();
        var queries = train.Queries.Select(q => new ReplayQuery(q.Id, q.Line, q.Messages, [.. map.Select(i => q.Outcomes[i])], q.ClusterId)).ToList();
        return new ReplayDataset(train.Name, train.Path, arms, queries);
    }
}
