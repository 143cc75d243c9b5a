using System.Globalization;
using Spectre.Console;

namespace MetaLlm.Replay.Reporting;

/// <summary>Writes an <c>--off-policy-log</c> run's estimates against the candidates' replayed truths, and the coverage per estimator.</summary>
internal static class OffPolicyTable
{
    public static void Write(IAnsiConsole console, OffPolicyReport report)
    {
        var logs = report.Logs;
        console.MarkupLine(Markup.Escape(Invariant(
            $"Off-policy: {logs.Count} logs (λ × seed) of {logs[0].Decisions} decisions by a frozen {report.LoggingPolicy} router, ε = {report.Epsilon:0.###}: its accuracy {logs.Average(l => l.Accuracy):0.000}, greedy choices {100 * logs.Average(l => l.GreedyShare):0}%, smallest propensity {logs.Min(l => l.MinPropensity):0.0000}. DR's outcome model: the warm-started ridge models.")));

        int seeds = report.Cells.Select(c => c.Seed).Distinct().Count();
        string[] estimators = [.. report.Summary.Select(s => s.Estimator)];
        WriteQuantity(console, report, estimators, seeds, "Mean score", c => c.Score);
        WriteQuantity(console, report, estimators, seeds, "Mean normalised cost", c => c.NormalizedCost);

        var summary = new Table()
            .Title("Over all candidate × λ × seed cells: share of 95% intervals covering the truth, mean interval width")
            .AddColumns("Estimator", "Cells", "Score", "Cost", "Reward", "Eff. n");
        foreach (var row in report.Summary)
        {
            summary.AddRow(
                row.Estimator,
                row.Cells.ToString(CultureInfo.InvariantCulture),
                Percent(row.ScoreCoverage) + ", " + F(row.MeanScoreWidth),
                Percent(row.NormalizedCostCoverage) + ", " + F(row.MeanNormalizedCostWidth),
                Percent(row.RewardCoverage) + ", " + F(row.MeanRewardWidth),
                Invariant($"{row.MeanEffectiveSampleSize:0}"));
        }

        console.Write(summary);
        console.MarkupLine("[grey]Cost is the mean normalised cost (the reward's cost term before λ); truth is " + Markup.Escape(report.Truth) + ".[/]");
    }

    // One row per candidate and λ: the truth, then per estimator its estimate ± half the interval width (means over
    // seeds) and in how many seeds the interval covered the truth.
    private static void WriteQuantity(IAnsiConsole console, OffPolicyReport report, string[] estimators, int seeds, string title, Func<OffPolicyCellResult, OffPolicyQuantityResult> quantity)
    {
        var table = new Table()
            .Title(Invariant($"{title}: estimate ± half-width of the 95% interval, seeds covering the truth (of {seeds})"))
            .AddColumns(["Candidate", "λ", "Truth", .. estimators]);
        foreach (var group in report.Cells.GroupBy(c => (c.Candidate, c.Lambda)))
        {
            var row = new List<string> { Markup.Escape(group.Key.Candidate), Invariant($"{group.Key.Lambda:0.###}"), F(group.Average(c => quantity(c).Truth)) };
            foreach (string estimator in estimators)
            {
                var cells = group.Where(c => c.Estimator == estimator).Select(quantity).ToList();
                row.Add(Invariant($"{F(Mean(cells.Select(q => q.Estimate)))} ±{F(Mean(cells.Select(q => q.Width / 2)))} {cells.Count(q => q.Covered)}/{cells.Count}"));
            }

            table.AddRow([.. row]);
        }

        console.Write(table);
    }

    private static double? Mean(IEnumerable<double?> values)
    {
        var defined = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        return defined.Count == 0 ? null : defined.Average();
    }

    private static string F(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    private static string Percent(double share) => (100 * share).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
