using Anthropic;
using Anthropic.Core;
using Anthropic.Exceptions;
using Microsoft.Extensions.AI;

namespace MetaLlm.Providers;

/// <summary>Creates router arms for Anthropic Claude models through the Anthropic SDK's <see cref="IChatClient"/>.</summary>
public static class AnthropicArm
{
    /// <summary>The provider name used in exceptions.</summary>
    public const string ProviderName = "anthropic";

    /// <summary>The environment variable holding the Anthropic API key.</summary>
    public const string ApiKeyEnvironmentVariable = "ANTHROPIC_API_KEY";

    /// <summary>The configuration key holding the Anthropic API key.</summary>
    public const string ApiKeyConfigurationKey = "Anthropic:ApiKey";

    /// <summary>Creates an arm for a Claude model.</summary>
    /// <param name="model">The model, for example <c>claude-haiku-4-5</c>.</param>
    /// <param name="apiKey">The API key.</param>
    /// <param name="pricing">The model's price, or <see langword="null"/> for the <see cref="ModelPriceCatalog.Default"/> price.</param>
    /// <param name="options">Endpoint, limits, timeout and HTTP settings, or <see langword="null"/>.</param>
    /// <returns>The arm, named <see cref="ProviderOptions.ArmName"/> or the model.</returns>
    /// <exception cref="UnknownModelPriceException">No price was given and the model is not in the catalogue.</exception>
    public static RouterArm Create(string model, string apiKey, ModelPricing? pricing = null, AnthropicProviderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var price = ModelPriceCatalog.Default.Resolve(model, pricing);
        return new RouterArm(options?.ArmName ?? model, CreateChatClient(model, apiKey, options), price);
    }

    /// <summary>
    /// Creates the chat client of a Claude arm, with errors as <see cref="ProviderException"/>s, SDK retries off, and
    /// cache writes for the one-hour lifetime counted apart (<see cref="BilledTokens.LongCacheWriteCountKey"/>).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="apiKey">The API key.</param>
    /// <param name="options">Endpoint, limits, timeout and HTTP settings, or <see langword="null"/>.</param>
    /// <returns>The client.</returns>
    public static IChatClient CreateChatClient(string model, string apiKey, AnthropicProviderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        options ??= new AnthropicProviderOptions();
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxOutputTokens, 1, "options.MaxOutputTokens");
        var clientOptions = new ClientOptions
        {
            ApiKey = apiKey,
            MaxRetries = 0,
            Timeout = options.Timeout == Timeout.InfiniteTimeSpan ? null : options.Timeout,
            HttpClient = options.CreateHttpClient(new ResponseContentTypeHandler(ProviderName, model, "application/json", "text/event-stream")),
        };
        if (options.Endpoint is not null)
        {
            clientOptions = clientOptions with { BaseUrl = options.Endpoint.ToString().TrimEnd('/') };
        }

        // The SDK's usage does not split cache writes by lifetime; the wrapper reads the one-hour part from the raw usage.
        var chatClient = new AnthropicCacheUsageChatClient(new AnthropicClient(clientOptions).AsIChatClient(model, options.MaxOutputTokens));
        var timeProvider = options.TimeProvider ?? TimeProvider.System;
        return new ProviderErrorChatClient(chatClient, ProviderName, model, ex => Translate(ex, model), options.Timeout, timeProvider);
    }

    private static ProviderException? Translate(Exception exception, string model) => exception switch
    {
        AnthropicApiException api => ProviderErrorClassifier.FromStatus(ProviderName, model, (int)api.StatusCode, api.ErrorCode, api.ApiMessage, retryAfter: null, api),
        AnthropicSseException sse => new ProviderException(ProviderName, model,
            sse.ErrorCode is "invalid_request_error" ? ProviderErrorKind.InvalidRequest : sse.ErrorCode is "rate_limit_error" ? ProviderErrorKind.RateLimited : ProviderErrorKind.ServerError,
            isTransient: sse.ErrorCode is not "invalid_request_error",
            "The stream was interrupted by an error event.", errorCode: sse.ErrorCode, innerException: sse),
        AnthropicIOException io => new ProviderException(ProviderName, model, ProviderErrorKind.Network, isTransient: true,
            "The connection failed or broke before the answer was complete.", innerException: io),
        AnthropicInvalidDataException data => new ProviderException(ProviderName, model, ProviderErrorKind.MalformedResponse, isTransient: false,
            "The response could not be parsed.", innerException: data),
        _ => null,
    };
}
