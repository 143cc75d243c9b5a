using BenchmarkDotNet.Running;
using MetaLlm.Benchmarks;

// "quick ..." prints one JSON object in seconds; anything else goes to BenchmarkDotNet (e.g. --filter '*Policy*').
if (args.Length > 0 && args[0] == "quick")
{
    QuickBenchmark.Run(QuickOptions.Parse(args[1..]), Console.OpenStandardOutput());
    Console.WriteLine();
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(BenchmarkInputs).Assembly).Run(args);
return 0;
