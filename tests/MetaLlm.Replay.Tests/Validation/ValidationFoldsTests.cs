using MetaLlm.Replay.DatasetReaders;
using MetaLlm.Replay.Experiments;
using MetaLlm.Replay.Validation;

namespace MetaLlm.Replay.Tests.Validation;

public sealed class ValidationFoldsTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(40)]
    public void Kfold_folds_partition_the_data_and_never_train_on_the_held_out_fold(int k)
    {
        var data = Read(SmallSplit.Json(40, seed: 1));

        var folds = ValidationFolds.Make(data, new ValidationScheme(ValidationKind.KFold, k, Seed: 3));

        folds.Should().HaveCount(k);
        folds.Select(f => f.Name).Should().Equal(Enumerable.Range(1, k).Select(i => $"fold {i}/{k}"));
        data.Queries.Should().OnlyContain(q => folds.Count(f => f.Test.Queries.Contains(q)) == 1, "every query is held out by exactly one fold");
        folds.Sum(f => f.Test.Queries.Count).Should().Be(data.Queries.Count);
        folds.Select(f => f.Test.Queries.Count).Should().OnlyContain(n => n == 40 / k || n == (40 / k) + 1);
        foreach (var fold in folds)
        {
            fold.Train.Queries.Should().NotIntersectWith(fold.Test.Queries);
            fold.Train.Queries.Count.Should().Be(data.Queries.Count - fold.Test.Queries.Count);
            fold.Train.Queries.Select(q => q.Line).Should().BeInAscendingOrder("each part keeps the file's order");
            fold.Test.Queries.Select(q => q.Line).Should().BeInAscendingOrder();
            fold.Train.Arms.Should().Equal(data.Arms);
        }
    }

    [Fact]
    public void Kfold_is_deterministic_for_a_seed_and_another_seed_splits_differently()
    {
        var data = Read(SmallSplit.Json(40, seed: 1));

        string[][] Split(int seed) => [.. ValidationFolds.Make(data, new ValidationScheme(ValidationKind.KFold, 4, seed)).Select(f => f.Test.Queries.Select(q => q.Id).ToArray())];

        Split(7).Should().BeEquivalentTo(Split(7), o => o.WithStrictOrdering());
        Split(8).Should().NotBeEquivalentTo(Split(7), o => o.WithStrictOrdering());
    }

    [Fact]
    public void Leave_cluster_out_holds_out_each_cluster_in_turn_and_trains_on_the_others()
    {
        var data = Read(SmallSplit.Json(60, seed: 1, clusters: 3));

        var folds = ValidationFolds.Make(data, new ValidationScheme(ValidationKind.LeaveClusterOut));

        folds.Select(f => f.Name).Should().Equal("cluster 0", "cluster 1", "cluster 2");
        for (int cluster = 0; cluster < 3; cluster++)
        {
            var fold = folds[cluster];
            fold.Test.Queries.Should().NotBeEmpty().And.OnlyContain(q => q.ClusterId == cluster);
            fold.Test.Queries.Should().HaveCount(data.Queries.Count(q => q.ClusterId == cluster));
            fold.Train.Queries.Should().OnlyContain(q => q.ClusterId != cluster).And.HaveCount(data.Queries.Count - fold.Test.Queries.Count);
            fold.Test.Name.Should().Be($"small cluster {cluster}");
            fold.Train.Name.Should().Be($"small without cluster {cluster}");
        }

        folds.SelectMany(f => f.Test.Queries).Should().OnlyHaveUniqueItems().And.HaveCount(60);
    }

    [Fact]
    public void Leave_cluster_out_on_a_file_without_clusters_is_an_error_that_suggests_kfold()
    {
        string path = _files.Write("outcomes.jsonl", """
            {"prompt": "a", "outcomes": {"m": {"score": 1, "cost": 0.002}}}
            {"prompt": "b", "outcomes": {"m": {"score": 0, "cost": 0.002}}}
            """);
        var data = DatasetReader.Read(path);

        var act = () => ValidationFolds.Make(data, new ValidationScheme(ValidationKind.LeaveClusterOut));

        act.Should().Throw<ArgumentException>().WithMessage("--validate leave-cluster-out needs cluster ids, and *outcomes.jsonl has none*use --validate kfold instead.");
    }

    [Theory]
    [InlineData("""[{"question": "a", "scores": {"m": 1}, "cluster_id": 0},""" + "\n" + """{"question": "b", "scores": {"m": 0}}]""", "query 2 (*, line 2) has no \"cluster_id\"")]
    [InlineData("""[{"question": "a", "scores": {"m": 1}, "cluster_id": 4}, {"question": "b", "scores": {"m": 0}, "cluster_id": 4}]""", "needs at least two clusters, and every query of * is in cluster 4*")]
    public void Leave_cluster_out_needs_every_query_in_a_cluster_and_two_clusters(string json, string message)
    {
        var data = Read(json);

        var act = () => ValidationFolds.Make(data, new ValidationScheme(ValidationKind.LeaveClusterOut));

        act.Should().Throw<ArgumentException>().WithMessage("*" + message + "*");
    }

    [Fact]
    public void Kfold_with_more_folds_than_queries_is_an_error()
    {
        var data = Read(SmallSplit.Json(3, seed: 1));

        var act = () => ValidationFolds.Make(data, new ValidationScheme(ValidationKind.KFold, 4));

        act.Should().Throw<ArgumentException>().WithMessage("--validate kfold:4 needs from 2 to 3 folds*");
    }

    private ReplayDataset Read(string json) => DatasetReader.Read(_files.Write("small.json", json));
}
