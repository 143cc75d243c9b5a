using System.Globalization;
using Spectre.Console;

namespace MetaLlm.Replay.Reporting;

/// <summary>Writes the report as tables a person reads: single models, baselines, each policy's best points, AIQ.</summary>
internal static class SummaryTable
{
    public static void Write(IAnsiConsole console, ReplayReport report)
    {
        string training = report.TrainDataset is null ? string.Empty : Invariant($", warm start from {Markup.Escape(report.TrainDataset)} ({report.TrainQueries} queries)");
        console.MarkupLine(Invariant($"[bold]{Markup.Escape(report.Dataset)}[/]: {report.Queries} queries × {report.Arms.Count} models{training}, featurizer {Markup.Escape(report.Featurizer)}"));
        console.MarkupLine("[grey]Cost: " + Markup.Escape(report.CostEstimate) + "[/]");

        var baselines = new Table().Title("Baselines").AddColumns("Router", "Accuracy", "Cost / query ($)");
        foreach (var model in report.Singles.OrderBy(s => s.CostPerQuery))
        {
            baselines.AddRow(Markup.Escape(model.Arm), F(model.Accuracy), Cost(model.CostPerQuery));
        }

        baselines.AddRow("[italic]random[/]", F(report.Random.Accuracy), Cost(report.Random.CostPerQuery));
        baselines.AddRow("[bold]oracle[/]", F(report.Oracle.Accuracy), Cost(report.Oracle.CostPerQuery));
        console.Write(baselines);

        var policies = new Table().Title("Router (mean ± std over seeds; best point per budget band)")
            .AddColumns("Policy", "Setting", "AIQ", "λ", "Accuracy", "Cost / query ($)", "λ (≤ best single's cost)", "Accuracy", "Cost / query ($)");
        foreach (var group in report.Points.GroupBy(p => (p.Policy, p.Setting)))
        {
            double aiq = report.AiqByPolicy.First(a => a.Policy == group.Key.Policy && a.Setting == group.Key.Setting).Aiq;
            var best = group.OrderByDescending(p => p.Accuracy).First();
            var budget = group.Where(p => p.CostPerQuery <= report.BestSingle.CostPerQuery).OrderByDescending(p => p.Accuracy).FirstOrDefault();
            policies.AddRow(
                group.Key.Policy,
                group.Key.Setting,
                F(aiq),
                F(best.Lambda),
                $"{F(best.Accuracy)} ± {F(best.AccuracyStd)}",
                Cost(best.CostPerQuery),
                budget is null ? "-" : F(budget.Lambda),
                budget is null ? "-" : $"{F(budget.Accuracy)} ± {F(budget.AccuracyStd)}",
                budget is null ? "-" : Cost(budget.CostPerQuery));
        }

        console.Write(policies);

        var aiqTable = new Table().Title("AIQ (average accuracy over the single models' cost range)").AddColumns("Router", "Zero router", "Oracle");
        aiqTable.AddRow(F(report.Aiq.Router), F(report.Aiq.ZeroRouter), F(report.Aiq.Oracle));
        console.Write(aiqTable);

        var single = report.BestSingle;
        console.MarkupLine(Invariant($"Best single model [bold]{Markup.Escape(single.Arm)}[/]: accuracy {F(single.Accuracy)} at ${Cost(single.CostPerQuery)} per query."));
        if (report.AtBestSingleBudget is { } at)
        {
            console.MarkupLine(Invariant($"At that budget the router reaches [bold]{F(at.Accuracy)}[/] ± {F(at.AccuracyStd)} for ${Cost(at.CostPerQuery)} ({at.Policy}, {at.Setting}, λ = {F(at.Lambda)})."));
        }

        if (report.CheapestMatchingBestSingle is { } match)
        {
            console.MarkupLine(Invariant($"It matches that accuracy for ${Cost(match.CostPerQuery)} per query, {F(100 * (1 - (match.CostPerQuery / single.CostPerQuery)))}% less ({match.Policy}, {match.Setting}, λ = {F(match.Lambda)}: {F(match.Accuracy)})."));
        }
        else
        {
            console.MarkupLine("No router point matches the best single model's accuracy.");
        }

        console.MarkupLine(Invariant($"[grey]{report.Points.Count} points × {(report.Points.Count > 0 ? report.Points[0].Seeds : 0)} seeds in {report.ElapsedSeconds:0.0} s.[/]"));
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Cost(double value) => value.ToString("0.000000", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
