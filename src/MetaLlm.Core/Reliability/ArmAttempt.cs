namespace MetaLlm;

/// <summary>One attempt of a routed request on one arm, as recorded in the response (<see cref="MetaLlmPropertyNames.Attempts"/>).</summary>
/// <param name="ArmName">The arm that was tried.</param>
/// <param name="Outcome">How the attempt ended.</param>
/// <param name="Duration">How long the attempt took.</param>
/// <param name="ErrorKind">The kind of failure (<see cref="IModelErrorClassification.ErrorKind"/>, <c>Timeout</c>, or the exception's type name), or <see langword="null"/> on success.</param>
/// <param name="ExceptionType">The failure's exception type, or <see langword="null"/> on success. Its message is never recorded: it may echo the prompt.</param>
public sealed record ArmAttempt(string ArmName, ArmAttemptOutcome Outcome, TimeSpan Duration, string? ErrorKind = null, string? ExceptionType = null);
