using MetaLlm.Replay.CommandLine;
using MetaLlm.Replay.DatasetReaders;
using MetaLlm.Replay.Experiments;

namespace MetaLlm.Replay.Tests.CommandLine;

public sealed class ReplayCommandLineTests
{
    [Fact]
    public void No_arguments_replay_the_bundled_dataset_with_warm_start()
    {
        var request = ReplayCommandLine.Parse([], "/data")!;

        request.TestPath.Should().Be(Path.Combine("/data", "test.json"));
        request.TrainPath.Should().Be(Path.Combine("/data", "train.json"));
        request.PricesPath.Should().Be(Path.Combine("/data", "llm_candidates.json"));
        request.DatasetName.Should().Be("dcrouter_test");
        request.Policies.Should().Equal(ReplayPolicy.All);
        request.Settings.Should().BeNull("every setting the data allows is the default");
        request.Lambdas.Should().Equal(ReplayRequest.DefaultLambdas);
        request.Lambdas.Should().Contain(0).And.Contain(l => l >= 10, "the grid must reach 'always the cheapest model'");
        request.Seeds.Should().Be(5);
    }

    [Fact]
    public void Feature_shaping_options_are_parsed_and_default_to_none()
    {
        var shaped = ReplayCommandLine.Parse(["--with-hashing", "64", "--projection", "33", "--penalty-selection", "shared", "--regularization", "5"], "/data")!;
        var plain = ReplayCommandLine.Parse([], "/data")!;

        shaped.Tuning.WithHashing.Should().Be(64);
        shaped.Tuning.Projection.Should().Be(33);
        shaped.Tuning.PenaltySelection.Should().Be(RidgePenaltySelection.Shared);
        shaped.Tuning.Regularization.Should().Be(5);
        plain.Tuning.WithHashing.Should().BeNull();
        plain.Tuning.Projection.Should().BeNull();
        plain.Tuning.PenaltySelection.Should().Be(RidgePenaltySelection.PerArm, "the library's default");
        plain.Tuning.Regularization.Should().Be(1, "the library's default");
        FluentActions.Invoking(() => ReplayCommandLine.Parse(["--with-hashing", "1"], "/data")).Should().Throw<ArgumentException>().WithMessage("*--with-hashing*");
        FluentActions.Invoking(() => ReplayCommandLine.Parse(["--projection", "1"], "/data")).Should().Throw<ArgumentException>().WithMessage("*--projection*");
    }

    [Fact]
    public void Principal_components_are_parsed_with_or_without_whitening_and_default_to_none()
    {
        var plain = ReplayCommandLine.Parse(["--pca", "32"], "/data")!;
        var whitened = ReplayCommandLine.Parse(["--pca", "17:whiten"], "/data")!;
        var none = ReplayCommandLine.Parse([], "/data")!;

        plain.Tuning.PrincipalComponents.Should().Be(32);
        plain.Tuning.WhitenPrincipalComponents.Should().BeFalse();
        whitened.Tuning.PrincipalComponents.Should().Be(17);
        whitened.Tuning.WhitenPrincipalComponents.Should().BeTrue();
        none.Tuning.PrincipalComponents.Should().BeNull();
        none.Tuning.ColdStartPrincipalComponents.Should().Be(16, "learning from scratch decides on 16 features by default");
        none.CompareScoreModels.Should().BeFalse();
        ReplayCommandLine.Parse(["--score-models", "on"], "/data")!.CompareScoreModels.Should().BeTrue();
        ReplayCommandLine.Parse(["--score-models", "off"], "/data")!.CompareScoreModels.Should().BeFalse();
        FluentActions.Invoking(() => ReplayCommandLine.Parse(["--validate", "kfold", "--score-models", "on"], "/data")).Should().Throw<ArgumentException>().WithMessage("*--score-models does not apply to --validate*");
        FluentActions.Invoking(() => ReplayCommandLine.Parse(["--score-models", "yes"], "/data")).Should().Throw<ArgumentException>().WithMessage("*--score-models must be on or off*");
        ReplayCommandLine.Parse(["--cold-pca", "8"], "/data")!.Tuning.ColdStartPrincipalComponents.Should().Be(8);
        ReplayCommandLine.Parse(["--cold-pca", "none"], "/data")!.Tuning.ColdStartPrincipalComponents.Should().BeNull();
        FluentActions.Invoking(() => ReplayCommandLine.Parse(["--cold-pca", "1"], "/data")).Should().Throw<ArgumentException>().WithMessage("*--cold-pca*");
        foreach (string bad in new[] { "1", "x", "32:white", "32:whiten:1", "" })
        {
            FluentActions.Invoking(() => ReplayCommandLine.Parse(["--pca", bad], "/data")).Should().Throw<ArgumentException>().WithMessage("*--pca*", bad);
        }
    }

    [Fact]
    public void Options_are_parsed_and_a_given_test_file_has_no_bundled_training_or_prices()
    {
        var request = ReplayCommandLine.Parse(
            ["--test", "t.csv", "--featurizer", "hashing", "--policies", "thompson, metallm-paper", "--settings", "online", "--lambdas", "0,0.5", "--seeds", "2", "--dimension", "64", "--format", "routerbench", "--report", "r.json"],
            "/data")!;

        request.TestPath.Should().Be("t.csv");
        request.TrainPath.Should().BeNull();
        request.PricesPath.Should().BeNull();
        request.DatasetName.Should().BeNull();
        request.Policies.Should().Equal(ReplayPolicy.Thompson, ReplayPolicy.MetaLlmPaper);
        request.Settings.Should().Equal(ReplaySetting.Online);
        request.Lambdas.Should().Equal(0, 0.5);
        request.Seeds.Should().Be(2);
        request.Tuning.FeatureDimension.Should().Be(64);
        request.Format.Should().Be(DatasetFormat.RouterBenchCsv);
        request.ReportPath.Should().Be("r.json");
    }

    [Theory]
    [InlineData(new[] { "--bogus", "1" }, "Unknown argument '--bogus'")]
    [InlineData(new[] { "--seeds" }, "--seeds needs a value")]
    [InlineData(new[] { "--seeds", "0" }, "at least 1")]
    [InlineData(new[] { "--lambdas", "0,-1" }, "non-negative")]
    [InlineData(new[] { "--policies", "ucb2" }, "Unknown policy 'ucb2'")]
    [InlineData(new[] { "--settings", "batch" }, "Unknown setting 'batch'")]
    [InlineData(new[] { "--format", "xml" }, "Unknown --format 'xml'")]
    [InlineData(new[] { "--penalty-selection", "loo" }, "Unknown penalty selection 'loo'")]
    public void Bad_arguments_are_explained(string[] args, string message)
    {
        var act = () => ReplayCommandLine.Parse(args, "/data");

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain(message);
    }

    [Fact]
    public void The_featurizer_defaults_to_minilm_which_keeps_its_embeddings_in_the_user_cache_folder()
    {
        var hashing = ReplayCommandLine.Parse(["--featurizer", "hashing"], "/data")!;
        var minilm = ReplayCommandLine.Parse(["--embedding-tokens", "128"], "/data")!;
        var memoryOnly = ReplayCommandLine.Parse(["--featurizer", "minilm", "--embedding-cache", "none"], "/data")!;
        var explicitCache = ReplayCommandLine.Parse(["--featurizer", "minilm", "--embedding-cache", "e.bin"], "/data")!;

        hashing.Tuning.Featurizer.Should().Be(ReplayFeaturizerKind.Hashing);
        minilm.Tuning.Featurizer.Should().Be(ReplayFeaturizerKind.MiniLm);
        minilm.Tuning.EmbeddingMaxTokens.Should().Be(128);
        minilm.EmbeddingCachePath.Should().Be(ReplayCommandLine.DefaultEmbeddingCachePath());
        minilm.EmbeddingCachePath.Should().EndWith(Path.Combine("metallm", "replay-embeddings.bin"));
        memoryOnly.EmbeddingCachePath.Should().BeNull();
        explicitCache.EmbeddingCachePath.Should().Be("e.bin");
    }

    [Theory]
    [InlineData(new[] { "--featurizer", "bert" }, "Unknown --featurizer 'bert'")]
    [InlineData(new[] { "--embedding-tokens", "2" }, "--embedding-tokens expects an integer from 3 to 512")]
    [InlineData(new[] { "--embedding-tokens", "600" }, "--embedding-tokens expects an integer from 3 to 512")]
    [InlineData(new[] { "--embedding-cache" }, "--embedding-cache needs a value")]
    [InlineData(new[] { "--dimension", "64" }, "--dimension does not apply to the minilm featurizer; use --featurizer hashing")]
    [InlineData(new[] { "--featurizer", "hashing", "--embedding-tokens", "64" }, "--embedding-tokens does not apply to the hashing featurizer")]
    public void Bad_featurizer_arguments_are_explained(string[] args, string message)
    {
        var act = () => ReplayCommandLine.Parse(args, "/data");

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain(message);
    }

    [Fact]
    public void Validate_splits_the_bundled_training_file_by_default()
    {
        var clusters = ReplayCommandLine.Parse(["--validate", "leave-cluster-out"], "/data")!;
        var kfold = ReplayCommandLine.Parse(["--validate", "kfold", "--featurizer", "hashing"], "/data")!;
        var seeded = ReplayCommandLine.Parse(["--validate", "kfold:3", "--fold-seed", "7", "--train", "mine.json"], "/data")!;
        var plain = ReplayCommandLine.Parse([], "/data")!;

        clusters.Validation.Should().Be(new ValidationScheme(ValidationKind.LeaveClusterOut));
        clusters.TrainPath.Should().Be(Path.Combine("/data", "train.json"));
        clusters.TrainDatasetName.Should().Be("dcrouter_train");
        clusters.PricesPath.Should().Be(Path.Combine("/data", "llm_candidates.json"));
        clusters.Validation!.Name.Should().Be("leave-cluster-out");
        kfold.Validation.Should().Be(new ValidationScheme(ValidationKind.KFold, 5, 0));
        seeded.Validation.Should().Be(new ValidationScheme(ValidationKind.KFold, 3, 7));
        seeded.TrainPath.Should().Be("mine.json");
        seeded.TrainDatasetName.Should().BeNull();
        plain.Validation.Should().BeNull();
    }

    [Theory]
    [InlineData(new[] { "--validate", "loo" }, "Unknown --validate 'loo'; expected leave-cluster-out, kfold or kfold:K")]
    [InlineData(new[] { "--validate", "kfold:1" }, "--validate kfold:1: K of kfold:K must be an integer of at least 2")]
    [InlineData(new[] { "--validate", "kfold:x" }, "K of kfold:K must be an integer")]
    [InlineData(new[] { "--validate" }, "--validate needs a value")]
    [InlineData(new[] { "--validate", "kfold", "--test", "t.json" }, "--validate never reads a test file")]
    [InlineData(new[] { "--validate", "kfold", "--queries", "5" }, "--queries does not apply to --validate")]
    [InlineData(new[] { "--validate", "kfold", "--plot", "p.png" }, "--plot does not apply to --validate")]
    [InlineData(new[] { "--fold-seed", "3" }, "--fold-seed seeds the random split of --validate kfold")]
    [InlineData(new[] { "--validate", "leave-cluster-out", "--fold-seed", "3" }, "--fold-seed seeds the random split of --validate kfold")]
    [InlineData(new[] { "--validate", "kfold", "--fold-seed", "-1" }, "--fold-seed expects an integer of at least 0")]
    public void Bad_validation_arguments_are_explained(string[] args, string message)
    {
        var act = () => ReplayCommandLine.Parse(args, "/data");

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain(message);
    }

    [Fact]
    public void Minilm_reads_the_shipped_embeddings_beside_the_bundled_data_unless_told_otherwise()
    {
        ReplayCommandLine.Parse([], "/data")!.ShippedEmbeddingsPath.Should().Be(Path.Combine("/data", "replay-embeddings-minilm.bin"));
        ReplayCommandLine.Parse(["--shipped-embeddings", "none"], "/data")!.ShippedEmbeddingsPath.Should().BeNull();
        ReplayCommandLine.Parse(["--shipped-embeddings", "v.bin"], "/data")!.ShippedEmbeddingsPath.Should().Be("v.bin");
        ReplayCommandLine.Parse(["--featurizer", "hashing"], "/data")!.ShippedEmbeddingsPath.Should().BeNull();
        ReplayCommandLine.Parse(["--write-shipped-embeddings", "out.bin"], "/data")!.WriteShippedEmbeddingsPath.Should().Be("out.bin");
        ReplayCommandLine.Parse([], "/data")!.WriteShippedEmbeddingsPath.Should().BeNull();
    }

    [Theory]
    [InlineData(new[] { "--featurizer", "hashing", "--shipped-embeddings", "v.bin" }, "--shipped-embeddings does not apply to the hashing featurizer")]
    [InlineData(new[] { "--featurizer", "hashing", "--write-shipped-embeddings", "v.bin" }, "--write-shipped-embeddings does not apply to the hashing featurizer")]
    [InlineData(new[] { "--validate", "kfold", "--write-shipped-embeddings", "v.bin" }, "--write-shipped-embeddings does not apply to --validate")]
    public void Bad_shipped_embedding_arguments_are_explained(string[] args, string message)
    {
        var act = () => ReplayCommandLine.Parse(args, "/data");

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain(message);
    }

    [Fact]
    public void Off_policy_log_takes_epsilon_greedy_with_an_optional_epsilon()
    {
        ReplayCommandLine.Parse([], "/data")!.OffPolicy.Should().BeNull();
        ReplayCommandLine.Parse(["--off-policy-log", "epsilon-greedy"], "/data")!.OffPolicy!.Epsilon.Should().Be(OffPolicyLogging.DefaultEpsilon);
        var request = ReplayCommandLine.Parse(["--off-policy-log", "epsilon-greedy:0.3", "--settings", "offline", "--policies", "linucb"], "/data")!;
        request.OffPolicy!.Epsilon.Should().Be(0.3);
        request.Policies.Should().Equal(ReplayPolicy.LinUcb);
        ReplayCommandLine.Parse(["--off-policy-log", "epsilon-greedy:1"], "/data")!.OffPolicy!.Epsilon.Should().Be(1);
        request.OffPolicy.ThompsonDraws.Should().Be(1, "one sampled choice, RoutingPolicyCandidate's own, is the default");
        ReplayCommandLine.Parse(["--off-policy-log", "epsilon-greedy", "--off-policy-draws", "32"], "/data")!.OffPolicy!.ThompsonDraws.Should().Be(32);
    }

    [Theory]
    [InlineData(new[] { "--off-policy-log" }, "--off-policy-log needs a value")]
    [InlineData(new[] { "--off-policy-log", "thompson" }, "Unknown --off-policy-log 'thompson'; expected epsilon-greedy or epsilon-greedy:ε")]
    [InlineData(new[] { "--off-policy-log", "epsilon-greedy:0" }, "--off-policy-log epsilon-greedy:0: ε of epsilon-greedy:ε must be a number in (0, 1]")]
    [InlineData(new[] { "--off-policy-log", "epsilon-greedy:1.5" }, "--off-policy-log epsilon-greedy:1.5: ε of epsilon-greedy:ε must be a number in (0, 1]")]
    [InlineData(new[] { "--off-policy-log", "epsilon-greedy:x" }, "must be a number in (0, 1], but was 'x'")]
    [InlineData(new[] { "--off-policy-log", "epsilon-greedy", "--settings", "online" }, "--off-policy-log evaluates frozen (offline) policies, so --settings must be offline")]
    [InlineData(new[] { "--off-policy-log", "epsilon-greedy", "--validate", "kfold" }, "--validate does not apply to --off-policy-log")]
    [InlineData(new[] { "--off-policy-log", "epsilon-greedy", "--off-policy-draws", "0" }, "--off-policy-draws expects an integer of at least 1, but got '0'")]
    [InlineData(new[] { "--off-policy-draws", "8" }, "--off-policy-draws applies only with --off-policy-log")]
    public void Bad_off_policy_arguments_are_explained(string[] args, string message)
    {
        var act = () => ReplayCommandLine.Parse(args, "/data");

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain(message);
    }

    [Fact]
    public void Help_returns_no_request()
    {
        ReplayCommandLine.Parse(["--help"], "/data").Should().BeNull();
    }
}
