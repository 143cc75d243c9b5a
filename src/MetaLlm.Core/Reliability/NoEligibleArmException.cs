namespace MetaLlm;

/// <summary>Thrown before any model is called when no arm can serve a request, with each arm's reason.</summary>
public sealed class NoEligibleArmException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="NoEligibleArmException"/> class.</summary>
    /// <param name="reasons">Why each arm was skipped, by arm name.</param>
    public NoEligibleArmException(IReadOnlyDictionary<string, string> reasons)
        : base("No arm can serve this request: " + string.Join("; ", reasons.Select(r => $"'{r.Key}' {r.Value}")) + ".")
    {
        Reasons = reasons;
    }

    /// <summary>Initializes a new instance of the <see cref="NoEligibleArmException"/> class.</summary>
    public NoEligibleArmException()
        : this(new Dictionary<string, string>())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NoEligibleArmException"/> class.</summary>
    /// <param name="message">The message.</param>
    public NoEligibleArmException(string message)
        : base(message)
    {
        Reasons = new Dictionary<string, string>();
    }

    /// <summary>Initializes a new instance of the <see cref="NoEligibleArmException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public NoEligibleArmException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reasons = new Dictionary<string, string>();
    }

    /// <summary>Gets why each arm was skipped, by arm name.</summary>
    public IReadOnlyDictionary<string, string> Reasons { get; }
}
