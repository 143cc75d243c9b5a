using MetaLlm.Embeddings.Local.Benchmarks;

// Quick measurements, not unit tests: run in Release on an otherwise idle machine when you can.
//   dotnet run -c Release --project tests/MetaLlm.Embeddings.Local.Benchmarks -- latency
//   dotnet run -c Release --project tests/MetaLlm.Embeddings.Local.Benchmarks -- truncation /work/shared/data/llmrouter-dcrouter
//   dotnet run -c Release --project tests/MetaLlm.Embeddings.Local.Benchmarks -- tokenizers /work/shared/data/llmrouter-dcrouter [--code-points] [--dump DIR]
string mode = args.Length > 0 ? args[0] : "latency";
switch (mode)
{
    case "latency":
        await LatencyBenchmark.RunAsync();
        return 0;
    case "truncation" when args.Length > 1:
        await TruncationExperiment.RunAsync(args[1]);
        return 0;
    case "tokenizers" when args.Length > 1:
        int dump = Array.IndexOf(args, "--dump");
        TokenizerComparison.Run(args[1], dump > 0 && dump + 1 < args.Length ? args[dump + 1] : null, args.Contains("--code-points"));
        return 0;
    default:
        Console.Error.WriteLine("usage: latency | truncation <folder with train.json and test.json> | tokenizers <that folder> [--code-points] [--dump DIR]");
        return 2;
}
