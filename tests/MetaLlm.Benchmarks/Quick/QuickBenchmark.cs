using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace MetaLlm.Benchmarks;

/// <summary>
/// A measurement for scripts that takes seconds, not the minutes of BenchmarkDotNet: medians of single calls timed
/// with <see cref="Stopwatch"/>, and allocations counted by <see cref="GC.GetAllocatedBytesForCurrentThread"/>.
/// </summary>
public static class QuickBenchmark
{
    private const int MaxSamples = 20_000;

    /// <summary>Measures and writes one JSON object to <paramref name="output"/>.</summary>
    public static void Run(QuickOptions options, Stream output)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var policy = BenchmarkInputs.CreatePolicy(options.Policy, options.Arms, options.Dimension);
        var contexts = BenchmarkInputs.CreateContexts(64, options.Dimension);
        var rewards = BenchmarkInputs.CreateRewards(64);
        var estimates = new ArmEstimate[options.Arms];
        BenchmarkInputs.Warm(policy, 4 * options.Arms);

        int next = 0;
        void Decide() => BenchmarkInputs.Decide(policy, contexts[next++ & 63], estimates);
        void Update()
        {
            int i = next++;
            policy.Update(i % options.Arms, contexts[i & 63], BenchmarkInputs.Observation(rewards[i & 63]));
        }

        var decision = Measure(Decide, options.SecondsPerMeasurement);
        var update = Measure(Update, options.SecondsPerMeasurement);
        long decisionBytes = AllocatedPerCall(Decide, 1_000);
        long updateBytes = AllocatedPerCall(Update, 200);

        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("policy", policy.Name);
        writer.WriteNumber("dimension", options.Dimension);
        writer.WriteNumber("arms", options.Arms);
        writer.WriteNumber("decisionMicros", Math.Round(decision.Median, 3));
        writer.WriteNumber("decisionP90Micros", Math.Round(decision.P90, 3));
        writer.WriteNumber("decisionMeanMicros", Math.Round(decision.Mean, 3));
        writer.WriteNumber("decisionSamples", decision.Count);
        writer.WriteNumber("updateMicros", Math.Round(update.Median, 3));
        writer.WriteNumber("updateP90Micros", Math.Round(update.P90, 3));
        writer.WriteNumber("updateMeanMicros", Math.Round(update.Mean, 3));
        writer.WriteNumber("updateSamples", update.Count);
        writer.WriteNumber("allocatedBytesPerDecision", decisionBytes);
        writer.WriteNumber("allocatedBytesPerUpdate", updateBytes);

        if (!options.SkipRouter)
        {
            using var rig = new RouterRig(options.Policy, options.Arms, options.RouterDimension, options.PromptLength);
            var direct = Measure(() => rig.DirectAsync().GetAwaiter().GetResult(), options.SecondsPerMeasurement / 2);
            var routed = Measure(() => rig.RoutedAsync().GetAwaiter().GetResult(), options.SecondsPerMeasurement);
            long directBytes = AllocatedPerCall(() => rig.DirectAsync().GetAwaiter().GetResult(), 500);
            long routedBytes = AllocatedPerCall(() => rig.RoutedAsync().GetAwaiter().GetResult(), 500);
            var directStreaming = Measure(() => rig.DirectStreamingAsync().GetAwaiter().GetResult(), options.SecondsPerMeasurement / 2);
            var routedStreaming = Measure(() => rig.RoutedStreamingAsync().GetAwaiter().GetResult(), options.SecondsPerMeasurement);
            long directStreamingBytes = AllocatedPerCall(() => rig.DirectStreamingAsync().GetAwaiter().GetResult(), 500);
            long routedStreamingBytes = AllocatedPerCall(() => rig.RoutedStreamingAsync().GetAwaiter().GetResult(), 500);

            writer.WriteNumber("routerDimension", options.RouterDimension);
            writer.WriteNumber("routerPromptChars", options.PromptLength);
            writer.WriteNumber("routerOverheadMicros", Math.Round(routed.Median - direct.Median, 3));
            writer.WriteNumber("routerAllocatedBytes", routedBytes - directBytes);
            writer.WriteNumber("streamingRouterOverheadMicros", Math.Round(routedStreaming.Median - directStreaming.Median, 3));
            writer.WriteNumber("streamingRouterAllocatedBytes", routedStreamingBytes - directStreamingBytes);
        }

        writer.WriteString("processor", ProcessorName());
        writer.WriteString("runtime", RuntimeInformation.FrameworkDescription);
        writer.WriteEndObject();
    }

    private static (double Median, double P90, double Mean, int Count) Measure(Action action, double seconds)
    {
        // Warm up past tiered compilation's first tiers (promotion waits 100 ms, then compiles in the background)
        // so the medians time optimised code.
        var warmUntil = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * 0.6);
        int warm = 0;
        while (warm < 50 || (Stopwatch.GetTimestamp() < warmUntil && warm < MaxSamples))
        {
            action();
            warm++;
        }

        var samples = new List<double>(MaxSamples);
        long end = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * seconds);
        double toMicros = 1e6 / Stopwatch.Frequency;
        while (samples.Count < MaxSamples && (samples.Count < 30 || Stopwatch.GetTimestamp() < end))
        {
            long start = Stopwatch.GetTimestamp();
            action();
            samples.Add((Stopwatch.GetTimestamp() - start) * toMicros);
        }

        samples.Sort();
        return (samples[samples.Count / 2], samples[(int)(samples.Count * 0.9)], samples.Average(), samples.Count);
    }

    private static long AllocatedPerCall(Action action, int calls)
    {
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
        {
            action();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / calls;
    }

    private static string ProcessorName()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
