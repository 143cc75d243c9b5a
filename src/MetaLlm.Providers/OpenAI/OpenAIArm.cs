using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace MetaLlm.Providers;

/// <summary>Creates router arms for OpenAI GPT models, or for any model behind an OpenAI-compatible chat-completions endpoint.</summary>
public static class OpenAIArm
{
    /// <summary>The provider name used in exceptions for OpenAI itself.</summary>
    public const string ProviderName = "openai";

    /// <summary>The environment variable holding the OpenAI API key.</summary>
    public const string ApiKeyEnvironmentVariable = "OPENAI_API_KEY";

    /// <summary>The configuration key holding the OpenAI API key.</summary>
    public const string ApiKeyConfigurationKey = "OpenAI:ApiKey";

    /// <summary>Creates an arm for an OpenAI model (or a model behind <see cref="OpenAIProviderOptions.Endpoint"/>).</summary>
    /// <param name="model">The model, for example <c>gpt-4o-mini</c>.</param>
    /// <param name="apiKey">The API key; OpenAI-compatible servers that need none may get any text.</param>
    /// <param name="pricing">The model's price, or <see langword="null"/> for the <see cref="ModelPriceCatalog.Default"/> price.</param>
    /// <param name="options">Endpoint, timeout and HTTP settings, or <see langword="null"/>.</param>
    /// <returns>The arm, named <see cref="ProviderOptions.ArmName"/> or the model.</returns>
    /// <exception cref="UnknownModelPriceException">No price was given and the model is not in the catalogue.</exception>
    public static RouterArm Create(string model, string apiKey, ModelPricing? pricing = null, OpenAIProviderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var price = ModelPriceCatalog.Default.Resolve(model, pricing);
        return new RouterArm(options?.ArmName ?? model, CreateChatClient(model, apiKey, options), price);
    }

    /// <summary>Creates the chat client of an OpenAI arm: the SDK's client, with errors as <see cref="ProviderException"/>s and SDK retries off.</summary>
    /// <param name="model">The model.</param>
    /// <param name="apiKey">The API key.</param>
    /// <param name="options">Endpoint, timeout and HTTP settings, or <see langword="null"/>.</param>
    /// <returns>The client.</returns>
    /// <remarks>The SDK's own retries are turned off: a transient failure surfaces at once so the router can fail over.</remarks>
    public static IChatClient CreateChatClient(string model, string apiKey, OpenAIProviderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        options ??= new OpenAIProviderOptions();
        options.Validate();
        string provider = options.Endpoint is null ? ProviderName : $"openai-compatible ({options.Endpoint.Authority})";
        var clientOptions = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(options.CreateHttpClient(
                new ResponseContentTypeHandler(provider, model, "application/json", "text/event-stream"))),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        if (options.Timeout != Timeout.InfiniteTimeSpan)
        {
            clientOptions.NetworkTimeout = options.Timeout;
        }

        if (options.Endpoint is not null)
        {
            clientOptions.Endpoint = options.Endpoint;
        }

        var chatClient = new ChatClient(model, new ApiKeyCredential(apiKey), clientOptions).AsIChatClient();
        var timeProvider = options.TimeProvider ?? TimeProvider.System;
        return new ProviderErrorChatClient(chatClient, provider, model, ex => Translate(ex, provider, model, timeProvider), options.Timeout, timeProvider);
    }

    private static ProviderException? Translate(Exception exception, string provider, string model, TimeProvider timeProvider)
    {
        if (exception is not ClientResultException result)
        {
            return null;
        }

        if (result.Status == 0)
        {
            return new ProviderException(provider, model, ProviderErrorKind.Network, isTransient: true,
                "The connection failed before a response arrived.", innerException: exception);
        }

        var response = result.GetRawResponse();
        string? code = null;
        string? message = null;
        try
        {
            if (response?.Content is { } content && content.ToMemory().Length > 0)
            {
                using var document = JsonDocument.Parse(content.ToMemory());
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                {
                    code = JsonFields.String(error, "code") ?? JsonFields.String(error, "type");
                    message = JsonFields.String(error, "message");
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // An error body that is not OpenAI's JSON still has a status worth reporting.
        }

        TimeSpan? retryAfter = response is null
            ? null
            : ProviderErrorClassifier.ParseRetryAfter(name => response.Headers.TryGetValue(name, out string? value) ? value : null, timeProvider);
        return ProviderErrorClassifier.FromStatus(provider, model, result.Status, code, message, retryAfter, exception);
    }
}
