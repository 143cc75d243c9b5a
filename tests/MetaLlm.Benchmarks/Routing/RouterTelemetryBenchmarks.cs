using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace MetaLlm.Benchmarks;

/// <summary>
/// What the router's telemetry adds to a request: nobody listening, against an <see cref="ActivityListener"/> that
/// records every MetaLlm span and a <see cref="MeterListener"/> that takes every MetaLlm measurement (and drops
/// both), so the cost measured is the router's, not an exporter's.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes the rig and listeners in the [GlobalCleanup] method.")]
public class RouterTelemetryBenchmarks
{
    private RouterRig _rig = null!;
    private ActivityListener? _spans;
    private MeterListener? _measurements;

    /// <summary>Gets or sets a value indicating whether someone listens to the router's spans and metrics.</summary>
    [Params(false, true)]
    public bool Telemetry { get; set; }

    /// <summary>Builds the router (10 arms, LinUCB, 512 hashed features, a 2 KB prompt) and, for telemetry, the listeners.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _rig = new RouterRig("linucb", arms: 10, dimension: 512, promptLength: 2_000);
        if (!Telemetry)
        {
            return;
        }

        _spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MetaLlmTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ => { },
        };
        ActivitySource.AddActivityListener(_spans);

        _measurements = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == MetaLlmTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _measurements.SetMeasurementEventCallback<long>((_, _, _, _) => { });
        _measurements.SetMeasurementEventCallback<double>((_, _, _, _) => { });
        _measurements.Start();
    }

    /// <summary>Releases the listeners and the router.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _measurements?.Dispose();
        _spans?.Dispose();
        _rig.Dispose();
    }

    /// <summary>A request through the router.</summary>
    [Benchmark]
    [BenchmarkCategory("response")]
    public Task<ChatResponse> Routed() => _rig.RoutedAsync();

    /// <summary>A streamed request through the router.</summary>
    [Benchmark]
    [BenchmarkCategory("streaming")]
    public Task<int> RoutedStreaming() => _rig.RoutedStreamingAsync();
}
