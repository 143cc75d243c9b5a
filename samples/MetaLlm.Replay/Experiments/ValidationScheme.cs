using System.Globalization;

namespace MetaLlm.Replay.Experiments;

/// <summary>How a validation run splits the training file into folds (<c>--validate</c>).</summary>
internal enum ValidationKind
{
    /// <summary>One fold per cluster of the dataset (LLMRouter JSON's <c>cluster_id</c>): train on the other clusters, test on it.</summary>
    LeaveClusterOut,

    /// <summary>K folds of a seeded random permutation of the queries.</summary>
    KFold,
}

/// <summary>A cross-validation scheme: <c>--validate leave-cluster-out</c> or <c>--validate kfold[:K]</c>, with <c>--fold-seed</c>.</summary>
/// <param name="Kind">How the folds are made.</param>
/// <param name="Folds">K of k-fold; 0 for leave-cluster-out, whose folds are the clusters.</param>
/// <param name="Seed">The seed of k-fold's permutation (unused by leave-cluster-out).</param>
internal sealed record ValidationScheme(ValidationKind Kind, int Folds = 0, int Seed = 0)
{
    /// <summary>k-fold's number of folds when <c>--validate kfold</c> gives none.</summary>
    public const int DefaultFolds = 5;

    /// <summary>Gets the scheme's name in reports: <c>leave-cluster-out</c> or <c>kfold</c>.</summary>
    public string Name => Kind == ValidationKind.LeaveClusterOut ? "leave-cluster-out" : "kfold";

    /// <summary>Parses <c>leave-cluster-out</c>, <c>kfold</c> or <c>kfold:K</c> (K from 2).</summary>
    /// <exception cref="ArgumentException">The value is none of these.</exception>
    public static ValidationScheme Parse(string value, int seed = 0)
    {
        string text = value.Trim().ToLowerInvariant();
        if (text is "leave-cluster-out" or "lco")
        {
            return new ValidationScheme(ValidationKind.LeaveClusterOut, 0, seed);
        }

        if (text == "kfold")
        {
            return new ValidationScheme(ValidationKind.KFold, DefaultFolds, seed);
        }

        if (text.StartsWith("kfold:", StringComparison.Ordinal))
        {
            return int.TryParse(text["kfold:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k >= 2
                ? new ValidationScheme(ValidationKind.KFold, k, seed)
                : throw new ArgumentException($"--validate {value}: K of kfold:K must be an integer of at least 2.");
        }

        throw new ArgumentException($"Unknown --validate '{value}'; expected leave-cluster-out, kfold or kfold:K (K folds, default {DefaultFolds}).");
    }
}
