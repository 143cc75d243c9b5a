using System.Text.Json;
using MetaLlm.Replay.CommandLine;
using MetaLlm.Replay.DatasetReaders;
using MetaLlm.Replay.Experiments;
using MetaLlm.Replay.Reporting;
using MetaLlm.Replay.Validation;
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

// A validation run cross-validates on the training file; a plain run replays the test file. Both embed first, then replay.
ReplayExperiment? experiment = null;
CrossValidation? validation = null;
try
{
    if (request.Validation is null)
    {
        experiment = ReplayExperiment.Load(request);
    }
    else
    {
        validation = CrossValidation.Load(request);
    }
}
catch (Exception ex) when (ex is ReplayDataException or ArgumentException)
{
    AnsiConsole.MarkupLine("[red]error:[/] " + Markup.Escape(ex.Message));
    return 1;
}

using var disposeExperiment = (IDisposable?)experiment ?? validation;
var progressColumns = new ProgressColumn[] { new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn() };
if (request.WriteShippedEmbeddingsPath is { } shippedOut)
{
    // Makes the file of shipped vectors (Data/replay-embeddings-minilm.bin) from exact embeddings; nothing is replayed.
    int written = 0;
    await AnsiConsole.Progress().Columns(progressColumns).StartAsync(async context =>
    {
        var embedding = context.AddTask($"Embedding {experiment!.TextsToEmbed} prompts exactly (all-MiniLM-L6-v2, cached)", maxValue: experiment.TextsToEmbed);
        written = await experiment.WriteShippedEmbeddingsAsync(shippedOut, (done, _) => embedding.Value = done).ConfigureAwait(false);
    }).ConfigureAwait(false);
    AnsiConsole.MarkupLine(Markup.Escape($"Shipped embeddings: {written} vectors written to {Path.GetFullPath(shippedOut)} ({new FileInfo(shippedOut).Length:N0} bytes)."));
    return 0;
}

if ((experiment?.TextsToEmbed ?? validation!.TextsToEmbed) is > 0 and int texts)
{
    ReplayFeatures features = null!;
    await AnsiConsole.Progress().Columns(progressColumns).StartAsync(async context =>
    {
        var embedding = context.AddTask($"Embedding {texts} prompts (all-MiniLM-L6-v2, cached)", maxValue: texts);
        Action<int, int> progress = (done, _) => embedding.Value = done;
        features = experiment is not null
            ? await experiment.PrepareFeaturesAsync(progress).ConfigureAwait(false)
            : await validation!.PrepareFeaturesAsync(progress).ConfigureAwait(false);
    }).ConfigureAwait(false);

    var cache = features.Cache!;
    if (cache.LoadProblem is { } loadProblem)
    {
        AnsiConsole.MarkupLine("[yellow]warning:[/] " + Markup.Escape($"the embedding cache {cache.Path} could not be read ({loadProblem}); every prompt was embedded again."));
    }

    if (features.SaveProblem is { } saveProblem)
    {
        AnsiConsole.MarkupLine("[yellow]warning:[/] " + Markup.Escape($"the embedding cache could not be saved ({saveProblem}); this run keeps its embeddings in memory only."));
    }

    if (features.ShippedProblem is { } shippedProblem)
    {
        AnsiConsole.MarkupLine("[yellow]warning:[/] " + Markup.Escape($"the shipped embeddings were not used ({shippedProblem}); their prompts were embedded by the model."));
    }

    string shippedPart = features.Shipped > 0 ? $"{features.Shipped} taken from the shipped vectors {features.ShippedPath}, " : string.Empty;
    AnsiConsole.MarkupLine(Markup.Escape(cache.Path is null
        ? $"Embeddings: {shippedPart}{features.Embedded} prompts embedded, kept in memory only (--embedding-cache PATH keeps them for the next run)."
        : $"Embeddings: {shippedPart}{features.Embedded} of {features.DistinctTexts} prompts embedded now, {features.DistinctTexts - features.Embedded - features.Shipped} read from {cache.Path}."));
}

ReplayReport? report = null;
await AnsiConsole.Progress().Columns(progressColumns).StartAsync(async context =>
{
    if (experiment is not null)
    {
        var task = context.AddTask($"Replaying {experiment.Queries.Count} queries × {experiment.RunCount} runs", maxValue: experiment.RunCount);
        report = await experiment.RunAsync(_ => task.Increment(1)).ConfigureAwait(false);
    }
    else
    {
        var task = context.AddTask($"Cross-validating ({validation!.Scheme.Name}): {validation.Data.Queries.Count} queries in {validation.Folds.Count} folds, {validation.RunCount} runs", maxValue: validation.RunCount);
        report = await validation.RunAsync(_ => task.Increment(1)).ConfigureAwait(false);
    }
}).ConfigureAwait(false);

if (report!.Validation is null)
{
    SummaryTable.Write(AnsiConsole.Console, report);
    if (report.OffPolicy is { } offPolicy)
    {
        OffPolicyTable.Write(AnsiConsole.Console, offPolicy);
    }
}
else
{
    ValidationTable.Write(AnsiConsole.Console, report);
}

if (request.ReportPath is { } reportPath)
{
    await File.WriteAllTextAsync(reportPath, JsonSerializer.Serialize(report, ReportJson.Options)).ConfigureAwait(false);
    AnsiConsole.MarkupLine("Report: " + Markup.Escape(Path.GetFullPath(reportPath)));
}

if (request.PlotPath is { } plotPath)
{
    FrontierPlot.Save(report, plotPath);
    AnsiConsole.MarkupLine("Plot: " + Markup.Escape(Path.GetFullPath(plotPath)));
}

return 0;
