namespace MetaLlm;

/// <summary>How an arm is doing: its circuit breaker and its recent failures.</summary>
/// <param name="ArmName">The arm's name.</param>
/// <param name="State">The circuit breaker's state.</param>
/// <param name="OpenUntil">When an open breaker's break ends, or <see langword="null"/> when it is not open.</param>
/// <param name="ConsecutiveFailures">Retry-worthy failures since the last success.</param>
/// <param name="FailureRate">The recent failure rate the router weighs when deciding: failures over attempts, both decaying with <see cref="MetaLlmRouterOptions.FailureHalfLife"/>.</param>
/// <param name="Attempts">Attempts made on the arm since the router started.</param>
/// <param name="Failures">Retry-worthy failures of the arm since the router started.</param>
public readonly record struct ArmHealth(string ArmName, CircuitState State, DateTimeOffset? OpenUntil, int ConsecutiveFailures, double FailureRate, long Attempts, long Failures);
