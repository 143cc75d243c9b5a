using System.Globalization;
using Spectre.Console;

namespace MetaLlm.Replay.Reporting;

/// <summary>Writes a <c>--validate</c> run's results as tables: per fold with all points together, then per policy pooled over the folds.</summary>
internal static class ValidationTable
{
    public static void Write(IAnsiConsole console, ReplayReport report)
    {
        var validation = report.Validation ?? throw new ArgumentException("The report has no validation results.", nameof(report));
        string folds = string.Join(", ", validation.Folds.Select(f => Invariant($"{f.Fold}: {f.TestQueries}")));
        string scheme = validation.Scheme == "kfold" ? Invariant($"{validation.FoldCount}-fold (seed {validation.FoldSeed})") : "Leave-cluster-out";
        console.MarkupLine(Invariant($"[bold]{scheme} validation on {Markup.Escape(validation.Dataset)}[/]: {validation.Queries} queries × {report.Arms.Count} models in {validation.FoldCount} folds ({Markup.Escape(folds)}), featurizer {Markup.Escape(report.Featurizer)}"));
        console.MarkupLine("[grey]Each fold warm-starts on the other folds and replays its own queries; pooled = every query replayed by its fold's router (fold-size-weighted). The test file is not read.[/]");
        console.MarkupLine("[grey]Cost: " + Markup.Escape(report.CostEstimate) + "[/]");

        var byFold = new Table().Title("Per fold, all policies' points together")
            .AddColumns("Held out", "Test / train queries", "Best single: accuracy @ $ / 1k", "AIQ router", "Zero router", "Oracle", "Gap share");
        foreach (var fold in validation.Folds.Append(validation.Pooled))
        {
            bool pooled = ReferenceEquals(fold, validation.Pooled);
            byFold.AddRow(
                pooled ? "[bold]pooled[/]" : Markup.Escape(fold.Fold),
                Invariant($"{fold.TestQueries} / {(pooled ? "~" : "")}{fold.TrainQueries}"),
                Invariant($"{F(fold.BestSingle.Accuracy)} @ {PerThousand(fold.BestSingle.CostPerQuery)}"),
                pooled ? "[bold]" + F(fold.Aiq.Router) + "[/]" : F(fold.Aiq.Router),
                F(fold.Aiq.ZeroRouter),
                F(fold.Aiq.Oracle),
                Share(fold.GapShare));
        }

        console.Write(byFold);
        foreach (var fold in validation.Folds.Append(validation.Pooled))
        {
            console.MarkupLine(Markup.Escape(Invariant(
                $"{fold.Fold}: best single {fold.BestSingle.Arm}; best within its cost {Within(fold.AtBestSingleCost, withPolicy: true)}; cheapest matching it {Matching(fold.CheapestMatchingBestSingle, fold.BestSingle, withPolicy: true)}.")));
        }

        var all = validation.Pooled;
        var byPolicy = new Table().Title("Per policy, pooled over the folds (accuracy @ $ / 1k queries)")
            .AddColumns("Policy (setting)", "AIQ", "Gap share", "AIQ per fold", "Best within best single's cost", "Cheapest matching best single");
        foreach (var policy in all.Policies)
        {
            string perFold = string.Join(" ", validation.Folds.Select(f => f.Policies.FirstOrDefault(p => p.Policy == policy.Policy && p.Setting == policy.Setting) is { } r ? F(r.Aiq) : "-"));
            byPolicy.AddRow(
                Markup.Escape($"{policy.Policy} ({policy.Setting})"),
                F(policy.Aiq),
                Share(policy.GapShare),
                perFold,
                Markup.Escape(Within(policy.AtBestSingleCost, withPolicy: false)),
                Markup.Escape(Matching(policy.CheapestMatchingBestSingle, all.BestSingle, withPolicy: false)));
        }

        byPolicy.AddRow(
            "[bold]all points[/]",
            "[bold]" + F(all.Aiq.Router) + "[/]",
            Share(all.GapShare),
            string.Join(" ", validation.Folds.Select(f => F(f.Aiq.Router))),
            Markup.Escape(Within(all.AtBestSingleCost, withPolicy: false)),
            Markup.Escape(Matching(all.CheapestMatchingBestSingle, all.BestSingle, withPolicy: false)));
        console.Write(byPolicy);

        console.MarkupLine(Invariant($"Pooled: best single model [bold]{Markup.Escape(all.BestSingle.Arm)}[/] {F(all.BestSingle.Accuracy)} @ ${PerThousand(all.BestSingle.CostPerQuery)} / 1k queries; AIQ router {F(all.Aiq.Router)}, zero router {F(all.Aiq.ZeroRouter)}, oracle {F(all.Aiq.Oracle)}."));
        int runs = report.Points.Count > 0 ? report.Points[0].Seeds : 0;
        console.MarkupLine(Invariant($"[grey]{report.Points.Count} points × {runs} seeds × {validation.FoldCount} folds in {report.ElapsedSeconds:0.0} s{(report.FeaturizingSeconds >= 0.05 ? $" ({report.FeaturizingSeconds:0.0} s of it featurizing)" : "")}.[/]"));
    }

    private static string Within(ValidationPointResult? point, bool withPolicy) => point is null
        ? "-"
        : Invariant($"{F(point.Accuracy)} @ {PerThousand(point.CostPerQuery)}, {(withPolicy ? $"{point.Policy} {point.Setting} " : "")}λ {point.Lambda:0.###}");

    private static string Matching(ValidationPointResult? point, SingleModelResult best, bool withPolicy) => point is null
        ? "-"
        : Invariant($"{PerThousand(point.CostPerQuery)} ({100 * (1 - (point.CostPerQuery / best.CostPerQuery)):0}% less), {F(point.Accuracy)}, {(withPolicy ? $"{point.Policy} {point.Setting} " : "")}λ {point.Lambda:0.###}");

    private static string Share(double? share) => share is { } s ? (100 * s).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string PerThousand(double costPerQuery) => (1000 * costPerQuery).ToString("0.000", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
