namespace MetaLlm;

/// <summary>Where a decision kept for feedback stands.</summary>
internal enum PendingDecisionState
{
    /// <summary>The arm is still answering (a call under way, or a stream not yet finished).</summary>
    AwaitingAnswer,

    /// <summary>The answer is complete; feedback may come.</summary>
    Answered,

    /// <summary>The arm failed; there is nothing to learn from.</summary>
    ArmFailed,

    /// <summary>The caller cancelled the request before the answer was complete.</summary>
    Cancelled,

    /// <summary>Feedback was learned from; each decision is learned from once.</summary>
    Learned,
}
