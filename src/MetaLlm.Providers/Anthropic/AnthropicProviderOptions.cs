namespace MetaLlm.Providers;

/// <summary>How an Anthropic arm reaches Claude.</summary>
public sealed class AnthropicProviderOptions : ProviderOptions
{
    /// <summary>The default <see cref="MaxOutputTokens"/>; the Messages API requires a limit.</summary>
    public const int DefaultMaxOutputTokens = 1024;

    /// <summary>Gets or sets the API's base address, or <see langword="null"/> for Anthropic's.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the output limit used when a request's <c>ChatOptions.MaxOutputTokens</c> is not set.</summary>
    public int MaxOutputTokens { get; set; } = DefaultMaxOutputTokens;
}
