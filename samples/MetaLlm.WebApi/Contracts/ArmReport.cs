namespace MetaLlm.WebApi.Contracts;

/// <summary>One arm in <c>GET /arms</c>.</summary>
/// <param name="Name">The arm's name.</param>
/// <param name="ModelId">The model id sent to the arm, or <see langword="null"/> when the client uses its default.</param>
/// <param name="Pricing">Its prices.</param>
/// <param name="Circuit">Its circuit breaker: <c>Closed</c>, <c>Open</c> or <c>HalfOpen</c>.</param>
/// <param name="OpenUntil">When an open breaker's break ends.</param>
/// <param name="ConsecutiveFailures">Retry-worthy failures since its last success.</param>
/// <param name="FailureRate">The recent (decaying) failure rate the router weighs when deciding.</param>
/// <param name="Attempts">Attempts made on the arm, fail-overs included.</param>
/// <param name="Failures">Retry-worthy failures.</param>
/// <param name="Routed">Requests the arm answered.</param>
/// <param name="TrafficShare">Its share of all answers, from 0 to 1.</param>
/// <param name="LearnedObservations">Feedbacks (and warm-start examples) the policy learned from for this arm, or <see langword="null"/> when the policy does not tell.</param>
internal sealed record ArmReport(
    string Name,
    string? ModelId,
    ArmPricing Pricing,
    CircuitState Circuit,
    DateTimeOffset? OpenUntil,
    int ConsecutiveFailures,
    double FailureRate,
    long Attempts,
    long Failures,
    long Routed,
    double TrafficShare,
    long? LearnedObservations);
