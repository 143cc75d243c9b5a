namespace MetaLlm.WebApi.Arms;

/// <summary>Which models the sample routes among (configuration section <c>Arms</c>).</summary>
internal sealed class ArmsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Arms";

    /// <summary>Gets or sets a value indicating whether providers with credentials in configuration or the environment get arms.</summary>
    public bool RealProviders { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the fake models stay beside real providers (they are always used when no provider has credentials).</summary>
    public bool KeepFakeModels { get; set; }

    /// <summary>Gets or sets the OpenAI models to route among when an OpenAI key is set.</summary>
    public string[] OpenAI { get; set; } = [];

    /// <summary>Gets or sets the Anthropic models to route among when an Anthropic key is set.</summary>
    public string[] Anthropic { get; set; } = [];

    /// <summary>Gets or sets the Amazon Bedrock models to route among when AWS credentials are set.</summary>
    public string[] Bedrock { get; set; } = [];

    /// <summary>Gets or sets the Bedrock region, or <see langword="null"/> for <c>Bedrock:Region</c>, <c>AWS_REGION</c> or the profile's.</summary>
    public string? BedrockRegion { get; set; }
}
