using ScottPlot;

namespace MetaLlm.Replay.Reporting;

/// <summary>Draws the cost–accuracy plane: single models, the oracle, the zero-router frontier and each policy's frontier.</summary>
internal static class FrontierPlot
{
    public static void Save(ReplayReport report, string path)
    {
        var plot = new Plot();
        plot.Title($"{report.Dataset}: accuracy vs cost per query");
        plot.XLabel("Cost per query (USD)");
        plot.YLabel("Accuracy (mean score)");

        var zero = report.ZeroRouterFrontier;
        var zeroLine = plot.Add.Scatter(zero.Select(p => p.CostPerQuery).ToArray(), zero.Select(p => p.Accuracy).ToArray());
        zeroLine.LegendText = "zero router (mixes of single models)";
        zeroLine.LineStyle.Pattern = LinePattern.Dashed;
        zeroLine.Color = Colors.Gray;
        zeroLine.LineWidth = 2;

        var palette = new ScottPlot.Palettes.Category10();
        int index = 0;
        foreach (var group in report.Points.GroupBy(p => (p.Policy, p.Setting)))
        {
            var frontier = new Evaluation.CostAccuracyFrontier(
                report.Singles.Select(s => new Evaluation.CostAccuracyPoint(s.CostPerQuery, s.Accuracy))
                    .Concat(group.Select(p => new Evaluation.CostAccuracyPoint(p.CostPerQuery, p.Accuracy))));
            var color = palette.GetColor(index++);
            var line = plot.Add.Scatter(frontier.Vertices.Select(v => v.Cost).ToArray(), frontier.Vertices.Select(v => v.Accuracy).ToArray());
            line.LegendText = $"{group.Key.Policy} ({group.Key.Setting})";
            line.Color = color;
            line.MarkerSize = 0;
            var points = plot.Add.ScatterPoints(group.Select(p => p.CostPerQuery).ToArray(), group.Select(p => p.Accuracy).ToArray());
            points.Color = color.WithAlpha(0.6);
            points.MarkerSize = 4;
        }

        foreach (var single in report.Singles)
        {
            var marker = plot.Add.Marker(single.CostPerQuery, single.Accuracy, MarkerShape.FilledSquare, 8, Colors.Black);
            marker.LegendText = string.Empty;
            var label = plot.Add.Text(single.Arm, single.CostPerQuery, single.Accuracy);
            label.LabelFontSize = 9;
            label.OffsetX = 5;
        }

        var oracle = plot.Add.Marker(report.Oracle.CostPerQuery, report.Oracle.Accuracy, MarkerShape.FilledDiamond, 12, Colors.Red);
        oracle.LegendText = "oracle";

        plot.ShowLegend(Alignment.LowerRight);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        if (extension == ".svg")
        {
            plot.SaveSvg(path, 1100, 750);
        }
        else if (extension == ".png")
        {
            plot.SavePng(path, 1100, 750);
        }
        else
        {
            throw new ArgumentException($"--plot must end in .png or .svg, but was '{path}'.");
        }
    }
}
