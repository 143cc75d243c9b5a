using System.Globalization;
using MetaLlm.Replay.DatasetReaders;
using MetaLlm.Replay.Experiments;

namespace MetaLlm.Replay.Validation;

/// <summary>One fold of a cross-validation: the held-out queries and the rest of the file, which the router trains on.</summary>
/// <param name="Name">What is held out, for reports: <c>cluster 2</c> or <c>fold 3/5</c>.</param>
/// <param name="Train">Every query of the file that is not held out, in file order.</param>
/// <param name="Test">The held-out queries, in file order.</param>
internal sealed record ValidationFold(string Name, ReplayDataset Train, ReplayDataset Test);

/// <summary>Splits one (training) dataset into the folds of a <see cref="ValidationScheme"/>; every query is held out by exactly one fold.</summary>
internal static class ValidationFolds
{
    /// <summary>Makes the folds of <paramref name="data"/>.</summary>
    /// <param name="data">The dataset to split: the training file, never the test file.</param>
    /// <param name="scheme">How to split it.</param>
    /// <exception cref="ArgumentException">The data cannot be split this way: no (or only one) cluster, a query without a cluster, or fewer queries than folds.</exception>
    public static IReadOnlyList<ValidationFold> Make(ReplayDataset data, ValidationScheme scheme)
    {
        var foldOf = scheme.Kind == ValidationKind.LeaveClusterOut ? ByCluster(data, out var names) : Shuffled(data, scheme, out names);
        return [.. names.Select((name, fold) => new ValidationFold(
            name,
            Part(data, $"{data.Name} without {name}", foldOf, fold, heldOut: false),
            Part(data, $"{data.Name} {name}", foldOf, fold, heldOut: true)))];
    }

    // Fold i holds out cluster i of the clusters in increasing order.
    private static int[] ByCluster(ReplayDataset data, out List<string> names)
    {
        if (data.Queries.All(q => q.ClusterId is null))
        {
            throw new ArgumentException(
                $"--validate leave-cluster-out needs cluster ids, and {data.Path} has none (only LLMRouter JSON's \"cluster_id\" is read); use --validate kfold instead.");
        }

        if (data.Queries.FirstOrDefault(q => q.ClusterId is null) is { } orphan)
        {
            throw new ArgumentException(
                $"--validate leave-cluster-out: query {orphan.Id} ({data.Path}, line {orphan.Line}) has no \"cluster_id\"; every query needs one.");
        }

        var clusters = data.Queries.Select(q => q.ClusterId!.Value).Distinct().Order().ToList();
        if (clusters.Count < 2)
        {
            throw new ArgumentException(
                $"--validate leave-cluster-out needs at least two clusters, and every query of {data.Path} is in cluster {clusters[0]}; use --validate kfold instead.");
        }

        names = [.. clusters.Select(c => string.Create(CultureInfo.InvariantCulture, $"cluster {c}"))];
        var index = clusters.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        return [.. data.Queries.Select(q => index[q.ClusterId!.Value])];
    }

    // A seeded permutation cut into K parts whose sizes differ by at most one.
    private static int[] Shuffled(ReplayDataset data, ValidationScheme scheme, out List<string> names)
    {
        int n = data.Queries.Count, k = scheme.Folds;
        if (k < 2 || k > n)
        {
            throw new ArgumentException($"--validate kfold:{k} needs from 2 to {n} folds ({data.Path} has {n} queries).");
        }

        var order = Enumerable.Range(0, n).ToArray();
        new Random(scheme.Seed).Shuffle(order);
        var foldOf = new int[n];
        for (int position = 0; position < n; position++)
        {
            foldOf[order[position]] = (int)((long)position * k / n);
        }

        names = [.. Enumerable.Range(1, k).Select(f => string.Create(CultureInfo.InvariantCulture, $"fold {f}/{k}"))];
        return foldOf;
    }

    private static ReplayDataset Part(ReplayDataset data, string name, int[] foldOf, int fold, bool heldOut) =>
        new(name, data.Path, data.Arms, [.. data.Queries.Where((_, i) => (foldOf[i] == fold) == heldOut)]);
}
