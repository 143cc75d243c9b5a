namespace MetaLlm;

/// <summary>Thrown when every attempt of a routed request failed in a way worth trying another arm for.</summary>
public sealed class ArmAttemptsFailedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ArmAttemptsFailedException"/> class.</summary>
    /// <param name="decisionId">The decision whose attempts failed.</param>
    /// <param name="attempts">The attempts, in order.</param>
    /// <param name="innerException">The last attempt's exception.</param>
    public ArmAttemptsFailedException(string decisionId, IReadOnlyList<ArmAttempt> attempts, Exception? innerException)
        : base(Describe(attempts), innerException)
    {
        DecisionId = decisionId;
        Attempts = attempts;
    }

    /// <summary>Initializes a new instance of the <see cref="ArmAttemptsFailedException"/> class.</summary>
    public ArmAttemptsFailedException()
        : this(string.Empty, [], null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ArmAttemptsFailedException"/> class.</summary>
    /// <param name="message">The message.</param>
    public ArmAttemptsFailedException(string message)
        : base(message)
    {
        DecisionId = string.Empty;
        Attempts = [];
    }

    /// <summary>Initializes a new instance of the <see cref="ArmAttemptsFailedException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public ArmAttemptsFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        DecisionId = string.Empty;
        Attempts = [];
    }

    /// <summary>Gets the id of the decision whose attempts failed.</summary>
    public string DecisionId { get; }

    /// <summary>Gets every attempt, in order, with the arm and how it failed.</summary>
    public IReadOnlyList<ArmAttempt> Attempts { get; }

    private static string Describe(IReadOnlyList<ArmAttempt> attempts) => attempts.Count switch
    {
        0 => "Every attempt failed.",
        1 => $"The only attempt failed: arm '{attempts[0].ArmName}' ({attempts[0].ErrorKind ?? attempts[0].Outcome.ToString()}).",
        _ => $"All {attempts.Count} attempts failed: " + string.Join(", ", attempts.Select(a => $"arm '{a.ArmName}' ({a.ErrorKind ?? a.Outcome.ToString()})")) + ".",
    };
}
