using MetaLlm.Replay.Evaluation;
using ScottPlot;

namespace MetaLlm.Replay.Reporting;

/// <summary>Draws the cost–accuracy plane: single models, the oracle, the zero-router frontier and each policy's frontier.</summary>
internal static class FrontierPlot
{
    // Dollars per query are tiny numbers; per thousand queries they read like prices.
    private const double Scale = 1000;

    public static void Save(ReplayReport report, string path)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".svg"))
        {
            throw new ArgumentException($"--plot must end in .png or .svg, but was '{path}'.");
        }

        var plot = new Plot();
        plot.Title($"{report.Dataset}: accuracy against cost ({report.Queries} queries)");
        plot.XLabel("US dollars per 1,000 queries");
        plot.YLabel("Accuracy (mean score)");

        var palette = new ScottPlot.Palettes.Category20();
        int index = 0;
        foreach (var group in report.Points.GroupBy(p => (p.Policy, p.Setting)))
        {
            var frontier = new CostAccuracyFrontier(
                report.Singles.Select(s => new CostAccuracyPoint(s.CostPerQuery, s.Accuracy))
                    .Concat(group.Select(p => new CostAccuracyPoint(p.CostPerQuery, p.Accuracy))));
            var color = palette.GetColor(index++);
            var line = plot.Add.Scatter(frontier.Vertices.Select(v => v.Cost * Scale).ToArray(), frontier.Vertices.Select(v => v.Accuracy).ToArray());
            line.LegendText = $"{group.Key.Policy} ({group.Key.Setting})";
            line.Color = color;
            line.MarkerSize = 0;
            line.LineWidth = 1.5f;
            var points = plot.Add.ScatterPoints(group.Select(p => p.CostPerQuery * Scale).ToArray(), group.Select(p => p.Accuracy).ToArray());
            points.Color = color.WithAlpha(0.7);
            points.MarkerSize = 4;
        }

        // Drawn last so that policies that only reach the zero router do not hide it.
        var zero = report.ZeroRouterFrontier;
        var zeroLine = plot.Add.Scatter(zero.Select(p => p.CostPerQuery * Scale).ToArray(), zero.Select(p => p.Accuracy).ToArray());
        zeroLine.LegendText = "zero router (mixes of single models)";
        zeroLine.LinePattern = LinePattern.Dashed;
        zeroLine.Color = Colors.Black;
        zeroLine.LineWidth = 2;
        zeroLine.MarkerSize = 0;

        double highest = report.Singles.Max(s => s.CostPerQuery);
        foreach (var single in report.Singles)
        {
            plot.Add.Marker(single.CostPerQuery * Scale, single.Accuracy, MarkerShape.FilledSquare, 8, Colors.Black);
            var label = plot.Add.Text(single.Arm, single.CostPerQuery * Scale, single.Accuracy);
            label.LabelFontSize = 10;

            // Labels of the dearest models go to their left, inside the frame.
            label.LabelAlignment = single.CostPerQuery > highest * 0.7 ? Alignment.MiddleRight : Alignment.MiddleLeft;
            label.OffsetX = single.CostPerQuery > highest * 0.7 ? -6 : 6;
        }

        var oracle = plot.Add.Marker(report.Oracle.CostPerQuery * Scale, report.Oracle.Accuracy, MarkerShape.FilledDiamond, 12, Colors.Red);
        oracle.LegendText = "oracle (best model per query)";

        plot.ShowLegend(Alignment.LowerCenter);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        if (extension == ".svg")
        {
            plot.SaveSvg(path, 1200, 800);
        }
        else
        {
            plot.SavePng(path, 1200, 800);
        }
    }
}
