using System.Text.Json;
using MetaLlm.Replay.CommandLine;
using MetaLlm.Replay.Datasets;
using MetaLlm.Replay.Replay;
using MetaLlm.Replay.Reporting;
using Spectre.Console;

ReplayRequest? request;
try
{
    request = ReplayCommandLine.Parse(args, Path.Combine(AppContext.BaseDirectory, "Data"));
}
catch (ArgumentException ex)
{
    AnsiConsole.MarkupLine("[red]error:[/] " + Markup.Escape(ex.Message));
    return 2;
}

if (request is null)
{
    Console.WriteLine(ReplayCommandLine.Usage);
    return 0;
}

ReplayExperiment experiment;
try
{
    experiment = ReplayExperiment.Load(request);
}
catch (Exception ex) when (ex is ReplayDataException or ArgumentException)
{
    AnsiConsole.MarkupLine("[red]error:[/] " + Markup.Escape(ex.Message));
    return 1;
}

ReplayReport? report = null;
await AnsiConsole.Progress()
    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
    .StartAsync(async context =>
    {
        var task = context.AddTask($"Replaying {experiment.Queries.Count} queries × {experiment.RunCount} runs", maxValue: experiment.RunCount);
        report = await experiment.RunAsync(_ => task.Increment(1)).ConfigureAwait(false);
    }).ConfigureAwait(false);

SummaryTable.Write(AnsiConsole.Console, report!);
if (request.ReportPath is { } reportPath)
{
    await File.WriteAllTextAsync(reportPath, JsonSerializer.Serialize(report, ReportJson.Options)).ConfigureAwait(false);
    AnsiConsole.MarkupLine("Report: " + Markup.Escape(Path.GetFullPath(reportPath)));
}

if (request.PlotPath is { } plotPath)
{
    FrontierPlot.Save(report!, plotPath);
    AnsiConsole.MarkupLine("Plot: " + Markup.Escape(Path.GetFullPath(plotPath)));
}

return 0;
