using MetaLlm.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MetaLlm;

/// <summary>Adds OpenAI, OpenAI-compatible, Amazon Bedrock and Anthropic models to a router in one line each.</summary>
/// <remarks>
/// Prices are resolved when the arm is added, so an arm without a known price fails at start-up with an
/// <see cref="UnknownModelPriceException"/>. Keys are read when the router is first resolved: the argument, then
/// configuration (<c>OpenAI:ApiKey</c>, <c>Anthropic:ApiKey</c>, <c>Bedrock:ApiKey</c>, <c>Bedrock:Region</c>, or the
/// environment variable's name), then the environment (<c>OPENAI_API_KEY</c>, <c>ANTHROPIC_API_KEY</c>,
/// <c>AWS_BEARER_TOKEN_BEDROCK</c>, or the AWS credential chain).
/// </remarks>
public static class ProviderRouterBuilderExtensions
{
    /// <summary>Adds an OpenAI GPT arm.</summary>
    /// <param name="builder">The router builder.</param>
    /// <param name="model">The model, for example <c>gpt-4o-mini</c>.</param>
    /// <param name="apiKey">The API key, or <see langword="null"/> to read <c>OpenAI:ApiKey</c> or <c>OPENAI_API_KEY</c>.</param>
    /// <param name="pricing">The price, or <see langword="null"/> for the catalogue's.</param>
    /// <param name="configure">Changes the provider options (arm name, timeout, HTTP handler), or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="UnknownModelPriceException">No price was given and the model is not in the catalogue.</exception>
    public static MetaLlmRouterBuilder AddOpenAIArm(this MetaLlmRouterBuilder builder, string model, string? apiKey = null, ModelPricing? pricing = null, Action<OpenAIProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var options = Configure(configure);
        var price = ModelPriceCatalog.Default.Resolve(model, pricing);
        return builder.AddArm(options.ArmName ?? model, price, services =>
        {
            string key = ProviderKeys.Require(services, apiKey, OpenAIArm.ProviderName, model, OpenAIArm.ApiKeyConfigurationKey, OpenAIArm.ApiKeyEnvironmentVariable);
            options.TimeProvider ??= services.GetService<TimeProvider>();
            return OpenAIArm.CreateChatClient(model, key, options);
        });
    }

    /// <summary>Adds an arm for a model behind any OpenAI-compatible endpoint (vLLM, Together, Ollama serving Llama, …).</summary>
    /// <param name="builder">The router builder.</param>
    /// <param name="name">The arm's name.</param>
    /// <param name="endpoint">The API's base address, for example <c>http://localhost:11434/v1</c>.</param>
    /// <param name="model">The model as the server names it, for example <c>llama3.1:8b</c>.</param>
    /// <param name="pricing">The price; required, because such servers are not in the catalogue (state zero for a free local model).</param>
    /// <param name="apiKey">The API key, or <see langword="null"/> for servers that need none.</param>
    /// <param name="configure">Changes the provider options, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static MetaLlmRouterBuilder AddOpenAICompatibleArm(this MetaLlmRouterBuilder builder, string name, Uri endpoint, string model, ModelPricing pricing, string? apiKey = null, Action<OpenAIProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(pricing);
        var options = Configure(configure);
        options.Endpoint = endpoint;
        return builder.AddArm(name, pricing, services =>
        {
            options.TimeProvider ??= services.GetService<TimeProvider>();

            // The SDK insists on a key; servers without authentication ignore whatever is sent.
            return OpenAIArm.CreateChatClient(model, apiKey ?? "no-key", options);
        });
    }

    /// <summary>Adds an Amazon Bedrock arm (Titan, Nova, Claude, Llama, Mistral) over the Converse API.</summary>
    /// <param name="builder">The router builder.</param>
    /// <param name="modelId">The model id or inference profile id, for example <c>amazon.titan-text-express-v1</c>.</param>
    /// <param name="region">The AWS region, or <see langword="null"/> for <c>Bedrock:Region</c>, <c>AWS_REGION</c> or the profile's.</param>
    /// <param name="pricing">The price, or <see langword="null"/> for the catalogue's.</param>
    /// <param name="configure">Changes the provider options (credentials, endpoint, timeout, HTTP handler), or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="UnknownModelPriceException">No price was given and the model is not in the catalogue.</exception>
    public static MetaLlmRouterBuilder AddBedrockArm(this MetaLlmRouterBuilder builder, string modelId, string? region = null, ModelPricing? pricing = null, Action<BedrockProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        var options = Configure(configure);
        options.Region ??= region;
        var price = ModelPriceCatalog.Default.Resolve(modelId, pricing);
        return builder.AddArm(options.ArmName ?? modelId, price, services =>
        {
            var configuration = services.GetService<IConfiguration>();
            options.Region ??= configuration?["Bedrock:Region"];
            if (options.Credentials is null)
            {
                options.ApiKey ??= ProviderKeys.Find(services, "Bedrock:ApiKey", BedrockProviderOptions.ApiKeyEnvironmentVariable);
            }

            options.TimeProvider ??= services.GetService<TimeProvider>();
            return new BedrockChatClient(modelId, options);
        });
    }

    /// <summary>Adds an Anthropic Claude arm.</summary>
    /// <param name="builder">The router builder.</param>
    /// <param name="model">The model, for example <c>claude-haiku-4-5</c>.</param>
    /// <param name="apiKey">The API key, or <see langword="null"/> to read <c>Anthropic:ApiKey</c> or <c>ANTHROPIC_API_KEY</c>.</param>
    /// <param name="pricing">The price, or <see langword="null"/> for the catalogue's.</param>
    /// <param name="configure">Changes the provider options, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="UnknownModelPriceException">No price was given and the model is not in the catalogue.</exception>
    public static MetaLlmRouterBuilder AddAnthropicArm(this MetaLlmRouterBuilder builder, string model, string? apiKey = null, ModelPricing? pricing = null, Action<AnthropicProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var options = Configure(configure);
        var price = ModelPriceCatalog.Default.Resolve(model, pricing);
        return builder.AddArm(options.ArmName ?? model, price, services =>
        {
            string key = ProviderKeys.Require(services, apiKey, AnthropicArm.ProviderName, model, AnthropicArm.ApiKeyConfigurationKey, AnthropicArm.ApiKeyEnvironmentVariable);
            options.TimeProvider ??= services.GetService<TimeProvider>();
            return AnthropicArm.CreateChatClient(model, key, options);
        });
    }

    private static TOptions Configure<TOptions>(Action<TOptions>? configure)
        where TOptions : ProviderOptions, new()
    {
        var options = new TOptions();
        configure?.Invoke(options);
        options.Validate();
        return options;
    }
}
