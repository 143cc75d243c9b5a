using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace MetaLlm.WebApi.Tests.Support;

/// <summary>Keeps every finished activity the host's tracer provider sees.</summary>
public sealed class CollectingActivityProcessor : BaseProcessor<Activity>
{
    private readonly ConcurrentQueue<Activity> _activities = new();

    public IReadOnlyCollection<Activity> Activities => _activities;

    public override void OnEnd(Activity data) => _activities.Enqueue(data);
}
