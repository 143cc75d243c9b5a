using System.Text.Json;
using MetaLlm.Replay.CommandLine;
using MetaLlm.Replay.Experiments;
using MetaLlm.Replay.Reporting;
using MetaLlm.Replay.Validation;
using Spectre.Console;

namespace MetaLlm.Replay.Tests.Validation;

public sealed class CrossValidationTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Leave_cluster_out_from_the_command_line_with_hashing_reports_each_fold_and_the_pool_without_reading_the_test_file()
    {
        string train = _files.Write("train.json", SmallSplit.Json(90, seed: 1, clusters: 3));
        _files.Write("llm_candidates.json", SmallSplit.Prices);
        var request = ReplayCommandLine.Parse(
            ["--validate", "leave-cluster-out", "--featurizer", "hashing", "--dimension", "32", "--train", train, "--prices", _files.PathOf("llm_candidates.json"),
             "--policies", "metallm-paper,linucb", "--lambdas", "0,0.3", "--seeds", "2", "--parallelism", "2"],
            _files.PathOf("no-such-data-folder"))!;
        using var validation = CrossValidation.Load(request);

        var report = await validation.RunAsync();

        request.TestPath.Should().Contain("no-such-data-folder", "the bundled test split is named but never read");
        var v = report.Validation!;
        v.Scheme.Should().Be("leave-cluster-out");
        v.FoldSeed.Should().BeNull();
        v.FoldCount.Should().Be(3);
        v.Queries.Should().Be(90);
        v.Folds.Select(f => f.Fold).Should().Equal("cluster 0", "cluster 1", "cluster 2");
        v.Folds.Sum(f => f.TestQueries).Should().Be(90);
        v.Folds.Should().OnlyContain(f => f.TestQueries + f.TrainQueries == 90);
        report.Queries.Should().Be(90, "the report around the validation is the pooled replay of the whole training file");
        report.Dataset.Should().Be("train");

        // metallm-paper in 2 settings + linucb in 3, × 2 λ: the same points in every fold and in the pool.
        report.Points.Should().HaveCount(10);
        v.Folds.Should().OnlyContain(f => f.Points!.Count == 10 && f.Policies.Count == 5);
        v.Pooled.Points.Should().BeNull();
        v.Pooled.Policies.Select(p => $"{p.Policy} ({p.Setting})").Should().BeEquivalentTo(
            ["metallm-paper (offline)", "metallm-paper (online-warm)", "linucb (offline)", "linucb (online-warm)", "linucb (online)"]);

        // Each pooled point is the fold-size-weighted mean of the folds' points.
        foreach (var point in report.Points)
        {
            double expected = v.Folds.Sum(f => f.TestQueries * f.Points!.Single(p => p.Policy == point.Policy && p.Setting == point.Setting && p.Lambda == point.Lambda).Accuracy) / 90.0;
            point.Accuracy.Should().BeApproximately(expected, 1e-12);
            point.Seeds.Should().Be(2);
        }

        // The gap share and the best-single trade-offs follow their definitions.
        foreach (var fold in v.Folds.Append(v.Pooled))
        {
            fold.GapShare.Should().BeApproximately((fold.Aiq.Router - fold.Aiq.ZeroRouter) / (fold.Aiq.Oracle - fold.Aiq.ZeroRouter), 1e-12);
            fold.Aiq.Router.Should().BeGreaterThanOrEqualTo(fold.Aiq.ZeroRouter).And.BeLessThanOrEqualTo(fold.Aiq.Oracle + 1e-12);
            foreach (var policy in fold.Policies)
            {
                if (policy.AtBestSingleCost is { } within)
                {
                    within.CostPerQuery.Should().BeLessThanOrEqualTo(fold.BestSingle.CostPerQuery);
                }

                if (policy.CheapestMatchingBestSingle is { } matching)
                {
                    matching.Accuracy.Should().BeGreaterThanOrEqualTo(fold.BestSingle.Accuracy);
                }
            }
        }

        v.Pooled.Aiq.Should().Be(report.Aiq);
        v.Pooled.BestSingle.Should().Be(report.BestSingle);
        v.Pooled.Policies.Single(p => p.Policy == "metallm-paper" && p.Setting == "offline").Aiq
            .Should().Be(report.AiqByPolicy.Single(p => p.Policy == "metallm-paper" && p.Setting == "offline").Aiq);

        // The report: the contract's fields, and the validation under its own field.
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, ReportJson.Options));
        var root = json.RootElement;
        foreach (string name in new[] { "dataset", "queries", "arms", "singles", "oracle", "points", "aiq", "featurizer", "elapsedSeconds", "validation" })
        {
            root.TryGetProperty(name, out _).Should().BeTrue($"the report must have \"{name}\"");
        }

        var validationJson = root.GetProperty("validation");
        Names(validationJson).Should().Contain(["scheme", "foldCount", "foldSeed", "dataset", "queries", "folds", "pooled"]);
        Names(validationJson.GetProperty("folds")[0]).Should().Contain(["fold", "testQueries", "trainQueries", "bestSingle", "aiq", "gapShare", "atBestSingleCost", "cheapestMatchingBestSingle", "policies", "points"]);
        Names(validationJson.GetProperty("pooled")).Should().NotContain("points");
        Names(validationJson.GetProperty("pooled").GetProperty("policies")[0]).Should().Contain(["policy", "setting", "aiq", "gapShare", "atBestSingleCost", "cheapestMatchingBestSingle"]);

        // The console tables.
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        console.Profile.Width = 200;
        ValidationTable.Write(console, report);
        string text = output.ToString();
        text.Should().Contain("Leave-cluster-out validation on train").And.Contain("cluster 2").And.Contain("pooled").And.Contain("Gap share")
            .And.Contain("metallm-paper (offline)").And.Contain("all points").And.Contain("Cheapest matching best single");
    }

    [Fact]
    public async Task Kfold_gives_the_same_results_for_the_same_seed()
    {
        string train = _files.Write("train.json", SmallSplit.Json(60, seed: 1));
        string prices = _files.Write("prices.json", SmallSplit.Prices);
        var request = new ReplayRequest
        {
            TestPath = _files.PathOf("never-read.json"),
            TrainPath = train,
            PricesPath = prices,
            Validation = new ValidationScheme(ValidationKind.KFold, 3, Seed: 5),
            Policies = [ReplayPolicy.Thompson],
            Settings = [ReplaySetting.OnlineWarm],
            Lambdas = [0.3],
            Seeds = 2,
            Tuning = new ReplayTuning { Featurizer = ReplayFeaturizerKind.Hashing, FeatureDimension = 32 },
            MaxParallelism = 2,
        };

        async Task<ReplayReport> Run()
        {
            using var validation = CrossValidation.Load(request);
            return await validation.RunAsync();
        }

        var first = await Run();
        var second = await Run();

        first.Validation!.Scheme.Should().Be("kfold");
        first.Validation.FoldSeed.Should().Be(5);
        first.Validation.Folds.Select(f => f.Fold).Should().Equal("fold 1/3", "fold 2/3", "fold 3/3");
        first.Validation.Folds.Select(f => f.TestQueries).Should().Equal(20, 20, 20);
        second.Points.Single().Accuracy.Should().Be(first.Points.Single().Accuracy);
        second.Points.Single().CostPerQuery.Should().Be(first.Points.Single().CostPerQuery);
        second.Validation!.Folds.Select(f => f.Aiq).Should().Equal(first.Validation.Folds.Select(f => f.Aiq));

        // The router learns which cheap model suits which prompt on the other folds.
        first.Points.Single().Accuracy.Should().BeGreaterThan(0.8);
    }

    [Fact]
    public void Validation_needs_a_training_file()
    {
        var request = new ReplayRequest { TestPath = _files.PathOf("t.json"), Validation = new ValidationScheme(ValidationKind.KFold, 5) };

        var act = () => CrossValidation.Load(request);

        act.Should().Throw<ArgumentException>().WithMessage("--validate splits the training file: give --train PATH.");
    }

    [Fact]
    public async Task A_plain_replay_report_has_no_validation_field()
    {
        string train = _files.Write("train.json", SmallSplit.Json(30, seed: 1));
        string test = _files.Write("test.json", SmallSplit.Json(10, seed: 2));
        var request = new ReplayRequest
        {
            TrainPath = train,
            TestPath = test,
            PricesPath = _files.Write("prices.json", SmallSplit.Prices),
            Policies = [ReplayPolicy.MetaLlmPaper],
            Settings = [ReplaySetting.Offline],
            Lambdas = [0],
            Seeds = 1,
            Tuning = new ReplayTuning { Featurizer = ReplayFeaturizerKind.Hashing, FeatureDimension = 16 },
        };

        var report = await ReplayExperiment.Load(request).RunAsync();

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, ReportJson.Options));
        json.RootElement.TryGetProperty("validation", out _).Should().BeFalse();
    }

    private static IEnumerable<string> Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name);
}
