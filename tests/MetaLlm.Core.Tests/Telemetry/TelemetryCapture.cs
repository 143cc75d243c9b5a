using System.Diagnostics;
using Microsoft.Extensions.AI;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace MetaLlm.Tests.Telemetry;

/// <summary>
/// The OpenTelemetry SDK with in-memory exporters, listening to the router and to Microsoft.Extensions.AI's
/// <c>UseOpenTelemetry()</c>: what a real collector would receive.
/// </summary>
public sealed class TelemetryCapture : IDisposable
{
    /// <summary>The source name <c>UseOpenTelemetry()</c> uses when given none.</summary>
    public const string MeaiSourceName = "Experimental.Microsoft.Extensions.AI";

    private readonly TracerProvider _tracing;
    private readonly MeterProvider _metering;
    private readonly List<MetricSnapshot> _metrics = [];

    public TelemetryCapture()
    {
        _tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(MetaLlmTelemetry.SourceName, MeaiSourceName)
            .SetSampler(new AlwaysOnSampler())
            .AddInMemoryExporter(Spans)
            .Build();
        _metering = Sdk.CreateMeterProviderBuilder()
            .AddMeter(MetaLlmTelemetry.MeterName)
            .AddInMemoryExporter(_metrics)
            .Build();
    }

    /// <summary>Gets the spans ended so far, in the order they ended.</summary>
    public List<Activity> Spans { get; } = [];

    /// <summary>Gets the router's spans (not Microsoft.Extensions.AI's).</summary>
    public IEnumerable<Activity> RouterSpans => Spans.Where(s => s.Source.Name == MetaLlmTelemetry.SourceName);

    /// <summary>Gets the one ended span of a name.</summary>
    public Activity Span(string name) => Spans.Should().ContainSingle(s => s.DisplayName == name).Subject;

    /// <summary>Collects the metrics now and returns every point, cumulative since the capture began.</summary>
    public IReadOnlyList<MetricValue> Metrics()
    {
        _metrics.Clear();
        _metering.ForceFlush().Should().BeTrue();
        var values = new List<MetricValue>();
        foreach (var metric in _metrics)
        {
            foreach (var point in metric.MetricPoints)
            {
                var tags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value;
                }

                bool histogram = metric.MetricType == MetricType.Histogram;
                values.Add(new MetricValue(
                    metric.Name,
                    metric.Unit,
                    metric.Description,
                    tags,
                    histogram ? point.GetHistogramSum() : point.GetSumLong(),
                    histogram ? point.GetHistogramCount() : 0));
            }
        }

        return values;
    }

    /// <summary>Returns the one point of a metric with exactly these tags.</summary>
    public static MetricValue Point(IReadOnlyList<MetricValue> values, string name, params (string Key, object? Value)[] tags) =>
        values.Should().ContainSingle(v => v.Name == name && v.Tags.Count == tags.Length && tags.All(t => v.Tags.ContainsKey(t.Key) && Equals(v.Tags[t.Key], t.Value)))
            .Subject;

    public void Dispose()
    {
        _tracing.Dispose();
        _metering.Dispose();
    }

    /// <summary>A client that answers as a model of a provider, reporting its metadata as real clients do.</summary>
    public static TestChatClient Model(string text, long inputTokens, long outputTokens, string provider = "test-provider")
    {
        var client = TestChatClient.Answering(text, inputTokens, outputTokens);
        client.GetServiceCallback = (type, _) => type == typeof(ChatClientMetadata) ? new ChatClientMetadata(provider, new Uri("https://models.example.com:8443/v1"), "default-model") : null;
        return client;
    }
}

/// <summary>One point of a metric: a counter's sum, or a histogram's sum and count.</summary>
public sealed record MetricValue(string Name, string? Unit, string? Description, IReadOnlyDictionary<string, object?> Tags, double Sum, long Count);

/// <summary>
/// The telemetry tests listen to the process-wide <c>MetaLlm</c> source and meter, so they run alone: another test's
/// router would otherwise show up in their spans and counts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryListeners
{
    public const string Name = "telemetry";
}
