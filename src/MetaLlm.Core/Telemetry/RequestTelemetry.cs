using System.Diagnostics;

namespace MetaLlm;

/// <summary>What the telemetry keeps of one routed request while it runs: its span, and when its decision started.</summary>
/// <param name="Span">The request's <c>metallm.route</c> span, or <see langword="null"/> when nobody records it.</param>
/// <param name="DecisionStarted">The timestamp on the router's clock when featurizing began, or <see langword="null"/> when nobody measures decisions.</param>
internal readonly record struct RequestTelemetry(Activity? Span, long? DecisionStarted);
