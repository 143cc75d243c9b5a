namespace MetaLlm;

/// <summary>The state of an arm's circuit breaker.</summary>
public enum CircuitState
{
    /// <summary>Requests go to the arm.</summary>
    Closed,

    /// <summary>The arm failed too often; it is skipped until its break ends.</summary>
    Open,

    /// <summary>The break ended; one trial request decides whether the arm closes again or opens for another break.</summary>
    HalfOpen,
}
