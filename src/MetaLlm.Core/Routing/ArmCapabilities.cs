namespace MetaLlm;

/// <summary>What an arm can serve; a request that needs more is routed only among the arms that can serve it.</summary>
public sealed record ArmCapabilities
{
    /// <summary>Gets capabilities that restrict nothing (the default: an arm is assumed to serve every request).</summary>
    public static ArmCapabilities Unrestricted { get; } = new();

    /// <summary>
    /// Gets the most input tokens the model accepts, or <see langword="null"/> for no limit. A request whose estimated
    /// input (<see cref="InputTokenEstimate"/>) exceeds it is not sent to the arm.
    /// </summary>
    public int? MaxInputTokens
    {
        get;
        init => field = value is null or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxInputTokens), value, "The maximum input tokens must be positive when set.");
    }

    /// <summary>Gets a value indicating whether the arm can call tools (<c>ChatOptions.Tools</c>). Default <see langword="true"/>.</summary>
    public bool SupportsTools { get; init; } = true;

    /// <summary>Gets a value indicating whether the arm accepts images (<c>DataContent</c> with an <c>image/*</c> media type). Default <see langword="true"/>.</summary>
    public bool SupportsImages { get; init; } = true;
}
