using System.Globalization;
using MetaLlm.Replay.Evaluation;
using Spectre.Console;

namespace MetaLlm.Replay.Reporting;

/// <summary>Writes the report as tables a person reads: single models, baselines, each policy's best points, AIQ.</summary>
internal static class SummaryTable
{
    public static void Write(IAnsiConsole console, ReplayReport report)
    {
        string training = report.TrainDataset is null ? string.Empty : Invariant($", warm start from {Markup.Escape(report.TrainDataset)} ({report.TrainQueries} queries)");
        console.MarkupLine(Invariant($"[bold]{Markup.Escape(report.Dataset)}[/]: {report.Queries} queries × {report.Arms.Count} models{training}, featurizer {Markup.Escape(report.Featurizer)}"));
        if (report.ColdStartFeaturizer is { } cold && cold != report.Featurizer)
        {
            console.MarkupLine(Invariant($"Learning from scratch (online) on {Markup.Escape(cold)}: its leading principal components, fitted on the prompts alone"));
        }

        console.MarkupLine("[grey]Cost: " + Markup.Escape(report.CostEstimate) + "[/]");
        if (report.WarmStart is { } warm)
        {
            console.MarkupLine(Markup.Escape(warm.Describe()));
        }

        var baselines = new Table().Title("Baselines").AddColumns("Router", "Accuracy", "$ / 1k queries");
        foreach (var model in report.Singles.OrderBy(s => s.CostPerQuery))
        {
            baselines.AddRow(Markup.Escape(model.Arm), F(model.Accuracy), PerThousand(model.CostPerQuery));
        }

        baselines.AddRow("[italic]random[/]", F(report.Random.Accuracy), PerThousand(report.Random.CostPerQuery));
        baselines.AddRow("[bold]oracle[/]", F(report.Oracle.Accuracy), PerThousand(report.Oracle.CostPerQuery));
        console.Write(baselines);

        // One row per policy and setting: its AIQ, its most accurate point within the best single model's budget, and
        // its cheapest point at least as accurate as that model (accuracy ± std over seeds @ $ per 1k queries, λ).
        var policies = new Table().Title("Router: mean ± std over seeds, accuracy @ $ / 1k queries")
            .AddColumns("Policy (setting)", "AIQ", "Best within best single's cost", "Cheapest matching best single");
        foreach (var group in report.Points.GroupBy(p => (p.Policy, p.Setting)))
        {
            double aiq = report.AiqByPolicy.First(a => a.Policy == group.Key.Policy && a.Setting == group.Key.Setting).Aiq;
            var budget = BestSingleComparison.MostAccurateWithin(group, p => p.CostPerQuery, p => p.Accuracy, report.BestSingle.CostPerQuery);
            var matching = BestSingleComparison.CheapestReaching(group, p => p.CostPerQuery, p => p.Accuracy, report.BestSingle.Accuracy);
            policies.AddRow($"{group.Key.Policy} ({group.Key.Setting})", F(aiq), budget is null ? "-" : Point(budget), matching is null ? "-" : Point(matching));
        }

        console.Write(policies);

        var aiqTable = new Table().Title("AIQ (average accuracy over the single models' cost range)").AddColumns("Router", "Zero router", "Oracle");
        aiqTable.AddRow(F(report.Aiq.Router), F(report.Aiq.ZeroRouter), F(report.Aiq.Oracle));
        console.Write(aiqTable);

        if (report.NearestNeighbor is { } knn)
        {
            console.MarkupLine(Markup.Escape(knn.Describe()));
        }

        foreach (var model in report.ScoreModels ?? [])
        {
            console.MarkupLine(Markup.Escape(model.Describe()));
        }

        var single = report.BestSingle;
        console.MarkupLine(Invariant($"Best single model [bold]{Markup.Escape(single.Arm)}[/]: accuracy {F(single.Accuracy)} at ${Cost(single.CostPerQuery)} per query."));
        if (report.AtBestSingleBudget is { } at)
        {
            console.MarkupLine(Invariant($"At that budget the router reaches [bold]{F(at.Accuracy)}[/] ± {F(at.AccuracyStd)} for ${Cost(at.CostPerQuery)} ({at.Policy}, {at.Setting}, λ = {F(at.Lambda)})."));
        }

        if (report.CheapestMatchingBestSingle is { } match)
        {
            console.MarkupLine(Invariant($"It matches that accuracy for ${Cost(match.CostPerQuery)} per query, {100 * (1 - (match.CostPerQuery / single.CostPerQuery)):0}% less ({match.Policy}, {match.Setting}, λ = {F(match.Lambda)}: {F(match.Accuracy)})."));
        }
        else
        {
            console.MarkupLine("No router point matches the best single model's accuracy.");
        }

        console.MarkupLine(Invariant($"[grey]{report.Points.Count} points × {(report.Points.Count > 0 ? report.Points[0].Seeds : 0)} seeds in {report.ElapsedSeconds:0.0} s{(report.FeaturizingSeconds >= 0.05 ? $" ({report.FeaturizingSeconds:0.0} s of it featurizing)" : "")}.[/]"));
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Cost(double value) => value.ToString("0.000000", CultureInfo.InvariantCulture);

    private static string PerThousand(double costPerQuery) => (1000 * costPerQuery).ToString("0.000", CultureInfo.InvariantCulture);

    private static string Point(RouterPointResult point) =>
        Invariant($"{F(point.Accuracy)} ± {F(point.AccuracyStd)} @ {PerThousand(point.CostPerQuery)}, λ {point.Lambda:0.###}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
