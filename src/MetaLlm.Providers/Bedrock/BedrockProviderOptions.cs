using Amazon.Runtime;

namespace MetaLlm.Providers;

/// <summary>How a <see cref="BedrockChatClient"/> reaches and authenticates to Amazon Bedrock.</summary>
/// <remarks>
/// Authentication, first match wins: <see cref="ApiKey"/>; <see cref="Credentials"/>; the <c>AWS_BEARER_TOKEN_BEDROCK</c>
/// environment variable (a Bedrock API key); the AWS SDK's default credential chain (environment, profile, SSO, web
/// identity, container and instance roles), signed with Signature Version 4.
/// </remarks>
public sealed class BedrockProviderOptions : ProviderOptions
{
    /// <summary>The environment variable holding a Bedrock API key.</summary>
    public const string ApiKeyEnvironmentVariable = "AWS_BEARER_TOKEN_BEDROCK";

    /// <summary>Gets or sets the AWS region (for example <c>us-east-1</c>), or <see langword="null"/> for <c>AWS_REGION</c> / <c>AWS_DEFAULT_REGION</c> / the profile's region.</summary>
    public string? Region { get; set; }

    /// <summary>Gets or sets the Bedrock Runtime endpoint, or <see langword="null"/> for <c>https://bedrock-runtime.{region}.{partition suffix}</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the AWS credentials to sign requests with, or <see langword="null"/> for the default chain.</summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>Gets or sets a Bedrock API key sent as <c>Authorization: Bearer</c>, or <see langword="null"/>.</summary>
    public string? ApiKey { get; set; }
}
