namespace MetaLlm;

/// <summary>The exception thrown when data cannot be read as a <see cref="RouterSnapshot"/>, with the reason.</summary>
/// <remarks>
/// It is an <see cref="IOException"/> (<see cref="InvalidDataException"/> is sealed), so one handler covers both a file
/// that cannot be read and one that is not a good snapshot. Messages describe the format only (lengths, versions, field
/// and arm names), never the learned values.
/// </remarks>
public sealed class RouterSnapshotException : IOException
{
    /// <summary>Initializes a new instance of the <see cref="RouterSnapshotException"/> class.</summary>
    /// <param name="reason">Why the data could not be read.</param>
    /// <param name="message">What is wrong, for a person.</param>
    /// <param name="innerException">The exception that revealed the problem, if any.</param>
    public RouterSnapshotException(RouterSnapshotFailureReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Gets why the data could not be read.</summary>
    public RouterSnapshotFailureReason Reason { get; }
}
