using System.Net;

namespace MetaLlm.Providers;

/// <summary>
/// A call to a model provider failed. Says which provider and model failed, how, and whether sending the same request
/// again could succeed, so that a router can retry or fail over to another arm.
/// </summary>
/// <remarks>
/// It implements <see cref="IModelErrorClassification"/>, so the router names the failure's <see cref="Kind"/> in its
/// logs without logging the message (which carries the provider's own words).
/// </remarks>
public sealed class ProviderException : Exception, IModelErrorClassification
{
    /// <summary>Initializes a new instance of the <see cref="ProviderException"/> class.</summary>
    public ProviderException()
        : this("A model provider call failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ProviderException(string message)
        : this(message, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public ProviderException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Provider = "unknown";
        Kind = ProviderErrorKind.ServerError;
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderException"/> class describing a failed call.</summary>
    /// <param name="provider">The provider's name, for example <c>openai</c>, <c>aws.bedrock</c> or <c>anthropic</c>.</param>
    /// <param name="modelId">The model that was called, or <see langword="null"/> if unknown.</param>
    /// <param name="kind">What went wrong.</param>
    /// <param name="isTransient">Whether sending the same request again could succeed.</param>
    /// <param name="detail">What the provider said, in one sentence; never prompt text or secrets.</param>
    /// <param name="statusCode">The HTTP status code, or <see langword="null"/> if no status arrived.</param>
    /// <param name="errorCode">The provider's error code (for example <c>ThrottlingException</c>), or <see langword="null"/>.</param>
    /// <param name="retryAfter">How long the provider asked to wait before retrying, or <see langword="null"/>.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public ProviderException(
        string provider,
        string? modelId,
        ProviderErrorKind kind,
        bool isTransient,
        string detail,
        HttpStatusCode? statusCode = null,
        string? errorCode = null,
        TimeSpan? retryAfter = null,
        Exception? innerException = null)
        : base(FormatMessage(provider, modelId, kind, isTransient, detail, statusCode, errorCode, retryAfter), innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        Provider = provider;
        ModelId = modelId;
        Kind = kind;
        IsTransient = isTransient;
        StatusCode = statusCode;
        ErrorCode = errorCode;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the provider's name, for example <c>openai</c>, <c>aws.bedrock</c> or <c>anthropic</c>.</summary>
    public string Provider { get; }

    /// <summary>Gets the model that was called, or <see langword="null"/> if unknown.</summary>
    public string? ModelId { get; }

    /// <summary>Gets what went wrong.</summary>
    public ProviderErrorKind Kind { get; }

    /// <summary>Gets the name of <see cref="Kind"/> (for example <c>RateLimited</c>), which never contains prompt text.</summary>
    public string ErrorKind => Kind.ToString();

    /// <summary>Gets a value indicating whether sending the same request again could succeed (throttling, timeouts, server errors).</summary>
    public bool IsTransient { get; }

    /// <summary>Gets the HTTP status code, or <see langword="null"/> if no status arrived (timeouts, broken connections, errors inside a stream).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Gets the provider's error code (for example <c>ThrottlingException</c> or <c>rate_limit_exceeded</c>), or <see langword="null"/>.</summary>
    public string? ErrorCode { get; }

    /// <summary>Gets how long the provider asked to wait before retrying (the <c>Retry-After</c> header), or <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter { get; }

    private static string FormatMessage(
        string provider, string? modelId, ProviderErrorKind kind, bool isTransient, string detail, HttpStatusCode? statusCode, string? errorCode, TimeSpan? retryAfter)
    {
        var text = new System.Text.StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{provider} model '{modelId ?? "(unknown)"}' failed: {kind}");
        if (statusCode is { } status)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $" (HTTP {(int)status})");
        }

        if (!string.IsNullOrEmpty(errorCode))
        {
            text.Append(" [").Append(errorCode).Append(']');
        }

        text.Append(". ").Append(detail);
        text.Append(isTransient ? " Retrying may help" : " Retrying the same request will not help");
        if (retryAfter is { } wait)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $" (the provider asked to wait {wait.TotalSeconds:0.###} s)");
        }

        text.Append('.');
        return text.ToString();
    }
}
