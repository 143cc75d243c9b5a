namespace MetaLlm;

/// <summary>How one attempt to have an arm answer ended.</summary>
public enum ArmAttemptOutcome
{
    /// <summary>The arm answered.</summary>
    Succeeded,

    /// <summary>The arm failed in a way worth trying another arm for (timeout, throttling, a server or network error).</summary>
    FailedTransiently,

    /// <summary>The arm failed in a way another arm would not fix (for example a bad request); nothing else was tried.</summary>
    Failed,

    /// <summary>The caller cancelled the request.</summary>
    Cancelled,
}
