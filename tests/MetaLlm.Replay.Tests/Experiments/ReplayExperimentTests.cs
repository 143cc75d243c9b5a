using System.Globalization;
using System.Text;
using System.Text.Json;
using MetaLlm.Replay.DatasetReaders;
using MetaLlm.Replay.Evaluation;
using MetaLlm.Replay.Experiments;
using MetaLlm.Replay.Reporting;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.Tests.Experiments;

public sealed class ReplayExperimentTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Replays_every_policy_and_setting_and_never_beats_the_oracle()
    {
        var request = SmallRequest() with { Lambdas = [0, 0.5, 20], Seeds = 2 };
        var experiment = ReplayExperiment.Load(request);

        var report = await experiment.RunAsync();

        // 3 policies × 3 settings + the paper's configuration in the 2 settings with training, × 3 λ.
        report.Points.Should().HaveCount(((3 * 3) + 2) * 3);
        report.Points.Should().OnlyContain(p => p.Seeds == 2);
        report.Points.Should().OnlyContain(p => p.Accuracy <= report.Oracle.Accuracy + 1e-12);
        report.Points.Should().OnlyContain(p => p.RegretVsOracle >= -1e-9);
        report.Singles.Should().OnlyContain(s => s.Accuracy <= report.Oracle.Accuracy);
        report.Aiq.Router.Should().BeGreaterThanOrEqualTo(report.Aiq.ZeroRouter);
        report.Queries.Should().Be(40);
        report.Arms.Should().Equal("cheap-math", "cheap-code", "dear-all");
    }

    [Fact]
    public async Task A_warm_started_router_learns_which_model_suits_which_prompt()
    {
        // Each cheap model is right on half the prompts and the dear one on all: with a small λ the trained router should
        // send math to the math model and code to the code model, nearly matching the oracle at a fraction of the cost.
        var request = SmallRequest() with { Lambdas = [0.3], Seeds = 1, Settings = [ReplaySetting.Offline], Policies = [ReplayPolicy.MetaLlmPaper] };

        var report = await ReplayExperiment.Load(request).RunAsync();

        var point = report.Points.Single();
        point.Accuracy.Should().BeGreaterThan(0.9);
        point.CostPerQuery.Should().BeLessThan(report.Singles.Single(s => s.Arm == "dear-all").CostPerQuery / 2);
    }

    [Fact]
    public async Task The_nearest_neighbour_baseline_learns_which_model_suits_which_prompt_from_the_training_file()
    {
        var request = SmallRequest() with { Lambdas = [0, 0.3], Seeds = 1, Settings = [ReplaySetting.Offline], Policies = [ReplayPolicy.LinUcb] };

        var report = await ReplayExperiment.Load(request).RunAsync();

        var knn = report.NearestNeighbor!;
        NearestNeighborBaseline.CandidateK.Should().Contain(knn.K);
        knn.LeaveOneOutError.Should().ContainKey(knn.K.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WhoseValue.Should().Be(knn.LeaveOneOutError.Values.Min());
        knn.Points.Select(p => p.Lambda).Should().Equal(0, 0.3);
        knn.Aiq.Should().BeInRange(report.Aiq.ZeroRouter, report.Aiq.Oracle);
        var cheap = knn.Points.Single(p => p.Lambda == 0.3);
        cheap.Accuracy.Should().BeGreaterThan(0.9, "math goes to the math model and code to the code model");
        cheap.CostPerQuery.Should().BeLessThan(report.Singles.Single(s => s.Arm == "dear-all").CostPerQuery / 2);
    }

    [Fact]
    public async Task Score_models_are_compared_only_when_asked_and_only_with_training_data()
    {
        var request = SmallRequest() with { Lambdas = [0, 0.3], Seeds = 1, Settings = [ReplaySetting.Offline], Policies = [ReplayPolicy.LinUcb] };

        var plain = await ReplayExperiment.Load(request).RunAsync();
        var compared = await ReplayExperiment.Load(request with { CompareScoreModels = true }).RunAsync();

        plain.ScoreModels.Should().BeNull();
        compared.ScoreModels!.Select(m => m.Model).Should().Equal("ridge", "logistic");
        foreach (var model in compared.ScoreModels!)
        {
            model.Penalties.Keys.Should().BeEquivalentTo(compared.Arms);
            model.Aiq.Should().BeInRange(compared.Aiq.ZeroRouter - 1e-9, compared.Aiq.Oracle + 1e-9);
            model.Points.Single(p => p.Lambda == 0.3).Accuracy.Should().BeGreaterThan(0.9, "math goes to the math model and code to the code model");
        }

        FluentActions.Invoking(() => ReplayExperiment.Load(request with { TrainPath = null, Settings = [ReplaySetting.Online], CompareScoreModels = true }))
            .Should().Throw<ArgumentException>().WithMessage("*--score-models*--train*");
    }

    [Fact]
    public async Task Appended_hashed_features_and_a_projection_reach_the_router_and_the_report()
    {
        var request = SmallRequest() with { Lambdas = [0.3], Seeds = 1, Settings = [ReplaySetting.Offline], Policies = [ReplayPolicy.LinUcb] };
        request = request with { Tuning = request.Tuning with { WithHashing = 16, Projection = 9 } };

        var report = await ReplayExperiment.Load(request).RunAsync();

        report.Featurizer.Should().Be("hashing-32+hashing-16-projected-9");
        report.Tuning.WithHashing.Should().Be(16);
        report.Tuning.Projection.Should().Be(9);
        report.Tuning.FeatureDimension.Should().Be(9);
        report.Points.Should().ContainSingle().Which.Accuracy.Should().BeGreaterThan(report.Singles.Min(s => s.Accuracy));
    }

    [Fact]
    public async Task Principal_components_fitted_on_the_prompts_reach_the_router_and_the_report_has_each_seeds_AIQ()
    {
        var request = SmallRequest() with { TrainPath = null, Lambdas = [0, 0.3], Seeds = 3, Settings = [ReplaySetting.Online], Policies = [ReplayPolicy.LinUcb] };
        request = request with { Tuning = request.Tuning with { PrincipalComponents = 5 } };

        var report = await ReplayExperiment.Load(request).RunAsync();

        report.Featurizer.Should().Be("hashing-32-pca-5");
        report.Tuning.PrincipalComponents.Should().Be(5);
        report.Tuning.WhitenPrincipalComponents.Should().BeFalse();
        report.Tuning.FeatureDimension.Should().Be(5);
        var aiq = report.AiqByPolicy.Should().ContainSingle().Subject;
        aiq.AiqBySeed.Should().HaveCount(3).And.OnlyContain(a => a >= report.Aiq.ZeroRouter - 1e-12 && a <= report.Aiq.Oracle + 1e-12);
        aiq.AiqBySeed.Distinct().Should().HaveCountGreaterThan(1, "each seed learns on its own order of the queries");
    }

    [Fact]
    public async Task Learning_from_scratch_decides_on_principal_components_and_the_warm_started_settings_on_every_feature()
    {
        var request = SmallRequest() with { Lambdas = [0.3], Seeds = 1, Policies = [ReplayPolicy.LinUcb], Queries = 200 };
        request = request with { Tuning = request.Tuning with { ColdStartPrincipalComponents = 4 } };

        var report = await ReplayExperiment.Load(request).RunAsync();
        var withoutPrincipalComponents = await ReplayExperiment.Load(request with { Tuning = request.Tuning with { ColdStartPrincipalComponents = null } }).RunAsync();
        var offlineOnly = await ReplayExperiment.Load(request with { Settings = [ReplaySetting.Offline] }).RunAsync();

        report.Featurizer.Should().Be("hashing-32");
        report.ColdStartFeaturizer.Should().Be("hashing-32-pca-4");
        report.Tuning.ColdStartPrincipalComponents.Should().Be(4);
        withoutPrincipalComponents.ColdStartFeaturizer.Should().Be("hashing-32");
        offlineOnly.ColdStartFeaturizer.Should().BeNull("nothing learned from scratch");
        Point(report, "offline").Should().BeEquivalentTo(Point(withoutPrincipalComponents, "offline"), "warm-started routers keep every feature");
        Point(report, "online-warm").Should().BeEquivalentTo(Point(withoutPrincipalComponents, "online-warm"));

        static RouterPointResult Point(ReplayReport report, string setting) => report.Points.Single(p => p.Setting == setting);
    }

    [Theory]
    [InlineData("online", true)]
    [InlineData("offline", false)]
    [InlineData("online-warm", false)]
    public async Task Only_the_routers_learning_from_scratch_featurize_with_the_cold_start_featurizer(string settingName, bool cold)
    {
        var setting = ReplaySettingNames.Parse(settingName);
        var experiment = ReplayExperiment.Load(SmallRequest());
        var full = new CountingFeaturizer(new HashingFeaturizer(32));
        var coldStart = new CountingFeaturizer(new HashingFeaturizer(8));
        var runner = new ReplayRunner(experiment.Test.Arms, experiment.Costs, experiment.Queries, experiment.Train!.Queries, full, new ReplayTuning(), coldStart);
        int before = full.Calls;

        await runner.RunAsync(ReplayPolicy.LinUcb, setting, 0.3, [0]);

        (coldStart.Calls > 0).Should().Be(cold);
        (full.Calls > before).Should().Be(!cold);
    }

    private sealed class CountingFeaturizer(IRequestFeaturizer inner) : IRequestFeaturizer
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public int Dimension => inner.Dimension;

        public string Name => inner.Name;

        public ValueTask FeaturizeAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, Memory<float> destination, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return inner.FeaturizeAsync(messages, options, destination, cancellationToken);
        }
    }

    [Fact]
    public async Task A_replay_without_a_training_file_has_no_nearest_neighbour_baseline()
    {
        var request = SmallRequest() with { TrainPath = null, Lambdas = [0], Seeds = 1, Settings = [ReplaySetting.Online], Policies = [ReplayPolicy.LinUcb] };

        var report = await ReplayExperiment.Load(request).RunAsync();

        report.NearestNeighbor.Should().BeNull();
    }

    [Theory]
    [InlineData(RidgePenaltySelection.PerArm)]
    [InlineData(RidgePenaltySelection.Configured)]
    public async Task The_report_says_which_ridge_penalties_the_warm_start_chose(RidgePenaltySelection selection)
    {
        var request = SmallRequest() with { Lambdas = [0.3], Seeds = 1, Settings = [ReplaySetting.Offline], Policies = [ReplayPolicy.LinUcb] };
        request = request with { Tuning = request.Tuning with { PenaltySelection = selection, Regularization = 3 } };

        var report = await ReplayExperiment.Load(request).RunAsync();

        var warmStart = report.WarmStart!;
        warmStart.Examples.Should().Be(report.TrainQueries);
        warmStart.Penalties.Keys.Should().BeEquivalentTo(report.Arms);
        report.Tuning.PenaltySelection.Should().Be(selection == RidgePenaltySelection.PerArm ? "per-arm" : "configured");
        if (selection == RidgePenaltySelection.Configured)
        {
            warmStart.Penalties.Values.Should().OnlyContain(p => p == 3);
            warmStart.LeaveOneOutError.Should().BeNull();
        }
        else
        {
            warmStart.PenaltySelection.Should().Be("per-arm");
            warmStart.ConfiguredPenalty.Should().Be(3);
            warmStart.LeaveOneOutError!.Keys.Should().BeEquivalentTo(report.Arms);
            warmStart.LeaveOneOutError.Values.Zip(warmStart.ConfiguredLeaveOneOutError!.Values).Should().OnlyContain(e => e.First <= e.Second + 1e-6);
        }
    }

    [Fact]
    public async Task MiniLM_embeds_each_prompt_once_and_the_next_run_reads_every_vector_from_the_cache_file()
    {
        string cachePath = _files.PathOf("embeddings.bin");
        var request = SmallRequest() with
        {
            Lambdas = [0.3],
            Seeds = 1,
            Settings = [ReplaySetting.Offline],
            Policies = [ReplayPolicy.MetaLlmPaper],
            EmbeddingCachePath = cachePath,
            Tuning = new ReplayTuning { Featurizer = ReplayFeaturizerKind.MiniLm },
        };
        using var first = ReplayExperiment.Load(request);
        int distinct = first.TextsToEmbed;
        var progress = new List<(int Done, int Total)>();

        await first.PrepareFeaturesAsync((done, total) => progress.Add((done, total)));
        var firstReport = await first.RunAsync();
        using var second = ReplayExperiment.Load(request);
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var secondReport = await second.RunAsync();
        wall.Stop();

        distinct.Should().BeGreaterThan(100);
        first.Features!.Embedded.Should().Be(distinct);
        second.Features!.Embedded.Should().Be(0, "every vector was saved by the first run");
        second.Features.DistinctTexts.Should().Be(distinct);
        second.Features.SaveProblem.Should().BeNull();
        secondReport.ElapsedSeconds.Should().BeLessThanOrEqualTo(wall.Elapsed.TotalSeconds + 0.01, "featurizing is counted once");
        secondReport.FeaturizingSeconds.Should().BeGreaterThan(0);
        progress.Should().StartWith((0, distinct)).And.EndWith((distinct, distinct));
        progress.Select(p => p.Done).Should().BeInAscendingOrder();
        firstReport.Featurizer.Should().Be("embedding-all-MiniLM-L6-v2-384");
        firstReport.Tuning.FeatureDimension.Should().Be(385);
        firstReport.Tuning.Featurizer.Should().Be("minilm");
        firstReport.Tuning.WordWeight.Should().BeNull();
        secondReport.Points.Single().Accuracy.Should().Be(firstReport.Points.Single().Accuracy);
        secondReport.Points.Single().CostPerQuery.Should().Be(firstReport.Points.Single().CostPerQuery);

        // Sentence embeddings tell the arithmetic questions from the coding ones as well as hashed n-grams do.
        firstReport.Points.Single().Accuracy.Should().BeGreaterThan(0.9);
    }

    [Fact]
    public async Task A_cache_file_that_cannot_be_written_leaves_the_replay_running_on_the_cache_in_memory()
    {
        // The cache's folder would have to be created where a file already is.
        string blocker = _files.Write("blocker", "a file, not a folder");
        var request = SmallRequest() with
        {
            Lambdas = [0.3],
            Seeds = 1,
            Settings = [ReplaySetting.Offline],
            Policies = [ReplayPolicy.MetaLlmPaper],
            EmbeddingCachePath = Path.Combine(blocker, "embeddings.bin"),
            Tuning = new ReplayTuning { Featurizer = ReplayFeaturizerKind.MiniLm },
        };
        using var experiment = ReplayExperiment.Load(request);

        var report = await experiment.RunAsync();

        experiment.Features!.SaveProblem.Should().NotBeNull();
        experiment.Features.Embedded.Should().Be(experiment.TextsToEmbed);
        report.Points.Should().ContainSingle();
    }

    [Theory]
    [InlineData("")]
    [InlineData("folder")]
    public void An_embedding_cache_path_that_is_blank_or_a_folder_is_refused_before_any_file_is_read(string cache)
    {
        var request = new ReplayRequest
        {
            TestPath = _files.PathOf("missing.json"),
            EmbeddingCachePath = cache == "folder" ? Path.GetTempPath() : cache,
            Tuning = new ReplayTuning { Featurizer = ReplayFeaturizerKind.MiniLm },
        };

        var act = () => ReplayExperiment.Load(request);

        act.Should().Throw<ArgumentException>().WithMessage(cache == "folder" ? "--embedding-cache * is a folder; give a file path such as *" : "--embedding-cache needs a file path*");
    }

    [Fact]
    public void Bad_embedding_settings_are_reported_before_any_file_is_read()
    {
        var request = new ReplayRequest
        {
            TestPath = _files.PathOf("missing.json"),
            Tuning = new ReplayTuning { Featurizer = ReplayFeaturizerKind.MiniLm, EmbeddingMaxTokens = 600 },
        };

        var act = () => ReplayExperiment.Load(request);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxTokens");
    }

    [Fact]
    public async Task With_one_model_the_router_reproduces_its_accuracy_and_cost()
    {
        string test = _files.Write("one.jsonl", """
            {"prompt": "a", "outcomes": {"m": {"score": 1, "cost": 0.002}}}
            {"prompt": "bb", "outcomes": {"m": {"score": 0.25, "inputTokens": 1000, "outputTokens": 500}}}
            """);
        string prices = _files.Write("prices.json", """{"m": {"input": 1, "output": 4}}""");
        var request = new ReplayRequest { TestPath = test, PricesPath = prices, Lambdas = [0.2], Seeds = 3, Policies = [ReplayPolicy.LinUcb], Tuning = new ReplayTuning { Featurizer = ReplayFeaturizerKind.Hashing, FeatureDimension = 8 } };

        var report = await ReplayExperiment.Load(request).RunAsync();

        var point = report.Points.Single();
        point.Setting.Should().Be("online");
        point.Accuracy.Should().Be(0.625);
        point.CostPerQuery.Should().BeApproximately((0.002 + 0.003) / 2, 1e-12);
        report.Singles.Single().CostPerQuery.Should().BeApproximately(0.0025, 1e-12);
    }

    [Fact]
    public async Task RouterBench_dollar_costs_come_back_from_the_router_and_rewards_agree_with_and_without_feedback()
    {
        // One model, so every setting makes the same choices: the offline reward (computed by the replay) must equal
        // the reward the router reports through RecordFeedback, and the router's cost must be the recorded dollars.
        string train = _files.Write("train.csv", "prompt,m,m|total_cost\na,1,0.004\nb,0,0.002\n");
        string test = _files.Write("test.csv", "prompt,m,m|total_cost\nc,1,0.003\n\"d\nd\",,0.0015\n");
        var request = new ReplayRequest
        {
            TrainPath = train,
            TestPath = test,
            Lambdas = [0.7],
            Seeds = 2,
            Policies = [ReplayPolicy.LinUcb],
            Settings = [ReplaySetting.Offline, ReplaySetting.OnlineWarm],
            Tuning = new ReplayTuning { Featurizer = ReplayFeaturizerKind.Hashing, FeatureDimension = 8 },
        };

        var report = await ReplayExperiment.Load(request).RunAsync();

        report.CostReferenceUsd.Should().Be(0.003m, "the dearest model's mean cost on the training file is one unit");
        report.Points.Should().HaveCount(2);
        report.Points.Should().OnlyContain(p => Math.Abs(p.CostPerQuery - 0.00225) < 1e-15);
        report.Points.Should().OnlyContain(p => p.Accuracy == 0.5);
        double expectedReward = 0.5 - (0.7 * (0.00225 / 0.003));
        report.Points.Should().OnlyContain(p => Math.Abs(p.MeanReward - expectedReward) < 1e-12);
    }

    [Fact]
    public async Task The_report_has_the_contract_field_names()
    {
        var report = await ReplayExperiment.Load(SmallRequest() with { Lambdas = [0.1], Seeds = 1, Policies = [ReplayPolicy.Thompson] }).RunAsync();

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, ReportJson.Options));
        var root = json.RootElement;
        foreach (string name in new[] { "dataset", "queries", "arms", "singles", "oracle", "points", "aiq", "featurizer", "elapsedSeconds" })
        {
            root.TryGetProperty(name, out _).Should().BeTrue($"the report must have \"{name}\"");
        }

        root.GetProperty("dataset").GetString().Should().Be("test");
        root.GetProperty("featurizer").GetString().Should().Be("hashing-32");
        Names(root.GetProperty("singles")[0]).Should().Contain(["arm", "accuracy", "costPerQuery"]);
        Names(root.GetProperty("oracle")).Should().Contain(["accuracy", "costPerQuery"]);
        Names(root.GetProperty("aiq")).Should().Contain(["router", "zeroRouter", "oracle"]);
        Names(root.GetProperty("points")[0]).Should().Contain(["policy", "setting", "lambda", "seeds", "accuracy", "accuracyStd", "costPerQuery", "meanReward", "regretVsOracle"]);
        root.GetProperty("points")[0].GetProperty("policy").GetString().Should().Be("thompson");
        root.GetProperty("costEstimate").GetString().Should().Contain("characters / 4");
    }

    [Fact]
    public void Models_that_differ_between_train_and_test_are_an_error()
    {
        var request = SmallRequest() with { TrainPath = _files.Write("other.json", """[{"question": "q", "scores": {"cheap-math": 1, "other": 0, "dear-all": 1}}]""") };

        var act = () => ReplayExperiment.Load(request);

        act.Should().Throw<ReplayDataException>().Which.Message.Should().Contain("only in test: [cheap-code]").And.Contain("only in train: [other]");
    }

    [Fact]
    public void Settings_that_need_training_data_without_it_are_an_error()
    {
        var request = SmallRequest() with { TrainPath = null, Settings = [ReplaySetting.OnlineWarm] };

        var act = () => ReplayExperiment.Load(request);

        act.Should().Throw<ArgumentException>().WithMessage("*--train*");
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_it()
    {
        var request = SmallRequest() with { TestPath = _files.PathOf("missing.json") };

        var act = () => ReplayExperiment.Load(request);

        act.Should().Throw<ReplayDataException>().WithMessage("*missing.json*does not exist*");
    }

    private static IEnumerable<string> Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name);

    // Math prompts are solved by cheap-math, code prompts by cheap-code, everything by dear-all (ten times the price).
    private ReplayRequest SmallRequest()
    {
        string train = _files.Write("train.json", Split(120, seed: 1));
        string test = _files.Write("test.json", Split(40, seed: 2));
        string prices = _files.Write("prices.json", """
            {"cheap-math": {"input": 0.1, "output": 0.1}, "cheap-code": {"input": 0.1, "output": 0.1}, "dear-all": {"input": 1, "output": 1}}
            """);
        return new ReplayRequest
        {
            TrainPath = train,
            TestPath = test,
            PricesPath = prices,
            Tuning = new ReplayTuning { Featurizer = ReplayFeaturizerKind.Hashing, FeatureDimension = 32 },
            MaxParallelism = 2,
        };
    }

    private static string Split(int count, int seed) => SmallSplit.Json(count, seed);
}
