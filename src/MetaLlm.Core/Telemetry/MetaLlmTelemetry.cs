namespace MetaLlm;

/// <summary>The names under which the router publishes its traces and metrics, to subscribe to with OpenTelemetry.</summary>
/// <remarks>
/// <para>
/// The router creates one <see cref="System.Diagnostics.ActivitySource"/> and one
/// <see cref="System.Diagnostics.Metrics.Meter"/>, both named <see cref="SourceName"/>, with
/// <c>System.Diagnostics</c> alone: add them to your pipeline with <c>AddSource(MetaLlmTelemetry.SourceName)</c> and
/// <c>AddMeter(MetaLlmTelemetry.MeterName)</c>. Nothing is measured or allocated for them while nobody listens.
/// </para>
/// <para>
/// Each routed request is an internal span <c>metallm.route</c> (the policy, the decision id, the chosen and the
/// answering arm, the predicted reward, the propensity, λ, the eligible arms, the attempts and the cost), with one
/// client span per attempt named as the OpenTelemetry semantic conventions for generative AI v1.41 name a chat call
/// (<c>chat {model}</c>, with the <c>gen_ai.*</c> request and usage attributes that Microsoft.Extensions.AI's
/// <c>OpenTelemetryChatClient</c> uses). Put <c>UseOpenTelemetry()</c> on top of the router and its span becomes the
/// parent of the router's. Metrics: <c>metallm.requests</c>, <c>metallm.attempt.failures</c>,
/// <c>metallm.failovers</c>, <c>metallm.cost</c>, <c>metallm.reward</c>, <c>metallm.decision.duration</c> and
/// <c>metallm.breaker.state_changes</c>.
/// </para>
/// <para>Prompt and response text never reach a span or a metric, nor do exception messages, which may echo the prompt.</para>
/// </remarks>
public static class MetaLlmTelemetry
{
    /// <summary>The name of the router's <see cref="System.Diagnostics.ActivitySource"/>: <c>MetaLlm</c>.</summary>
    public const string SourceName = "MetaLlm";

    /// <summary>The name of the router's <see cref="System.Diagnostics.Metrics.Meter"/>: <c>MetaLlm</c>.</summary>
    public const string MeterName = "MetaLlm";
}
