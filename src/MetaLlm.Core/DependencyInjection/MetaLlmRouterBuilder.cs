using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MetaLlm;

/// <summary>Configures the arms, policy and featurizer of a <see cref="MetaLlmRouter"/> registered in a service collection.</summary>
public sealed class MetaLlmRouterBuilder
{
    private readonly List<Func<IServiceProvider, RouterArm>> _arms = [];
    private Func<IServiceProvider, int, int, IRoutingPolicy>? _policyFactory;
    private Func<IServiceProvider, IRequestFeaturizer>? _featurizerFactory;

    internal MetaLlmRouterBuilder(IServiceCollection services, object? serviceKey, string optionsName)
    {
        Services = services;
        ServiceKey = serviceKey;
        OptionsName = optionsName;
    }

    /// <summary>Gets the service collection the router is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Gets the key the router is registered under, or <see langword="null"/> for the unkeyed router.</summary>
    public object? ServiceKey { get; }

    /// <summary>Gets the name of the router's <see cref="MetaLlmRouterOptions"/> in the options system.</summary>
    public string OptionsName { get; }

    /// <summary>Adds an arm backed by an existing client.</summary>
    /// <param name="name">The arm's unique name.</param>
    /// <param name="client">The client.</param>
    /// <param name="pricing">The model's price.</param>
    /// <returns>This builder.</returns>
    public MetaLlmRouterBuilder AddArm(string name, IChatClient client, ModelPricing pricing)
    {
        var arm = new RouterArm(name, client, pricing);
        _arms.Add(_ => arm);
        return this;
    }

    /// <summary>Adds an arm whose client is created from the service provider when the router is first resolved.</summary>
    /// <param name="name">The arm's unique name.</param>
    /// <param name="pricing">The model's price.</param>
    /// <param name="clientFactory">Creates the client.</param>
    /// <returns>This builder.</returns>
    public MetaLlmRouterBuilder AddArm(string name, ModelPricing pricing, Func<IServiceProvider, IChatClient> clientFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(pricing);
        ArgumentNullException.ThrowIfNull(clientFactory);
        _arms.Add(services => new RouterArm(name, clientFactory(services) ?? throw new InvalidOperationException($"The client factory of arm '{name}' returned null."), pricing));
        return this;
    }

    /// <summary>Adds an arm whose client is the <see cref="IChatClient"/> registered under <paramref name="serviceKey"/>.</summary>
    /// <param name="name">The arm's unique name.</param>
    /// <param name="pricing">The model's price.</param>
    /// <param name="serviceKey">The key of the keyed <see cref="IChatClient"/> service.</param>
    /// <returns>This builder.</returns>
    public MetaLlmRouterBuilder AddKeyedArm(string name, ModelPricing pricing, object serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return AddArm(name, pricing, services => services.GetKeyedService<IChatClient>(serviceKey)
            ?? throw new InvalidOperationException($"Arm '{name}' needs an IChatClient registered with the key '{serviceKey}', but none is registered."));
    }

    /// <summary>Uses a custom policy instead of the one the options describe.</summary>
    /// <param name="policyFactory">Creates the policy from the service provider, the number of arms and the feature dimension.</param>
    /// <returns>This builder.</returns>
    public MetaLlmRouterBuilder UsePolicy(Func<IServiceProvider, int, int, IRoutingPolicy> policyFactory)
    {
        ArgumentNullException.ThrowIfNull(policyFactory);
        _policyFactory = policyFactory;
        return this;
    }

    /// <summary>Uses a custom featurizer instead of the default hashing featurizer.</summary>
    /// <param name="featurizerFactory">Creates the featurizer from the service provider.</param>
    /// <returns>This builder.</returns>
    public MetaLlmRouterBuilder UseFeaturizer(Func<IServiceProvider, IRequestFeaturizer> featurizerFactory)
    {
        ArgumentNullException.ThrowIfNull(featurizerFactory);
        _featurizerFactory = featurizerFactory;
        return this;
    }

    /// <summary>Uses the registered <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings as the featurizer.</summary>
    /// <param name="embeddingDimension">The length of the generator's embeddings.</param>
    /// <param name="includeInstructions">Whether system messages and instructions are embedded with the question.</param>
    /// <returns>This builder.</returns>
    public MetaLlmRouterBuilder UseEmbeddingFeaturizer(int embeddingDimension, bool includeInstructions = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingDimension, 1);
        return UseFeaturizer(services => new EmbeddingFeaturizer(
            services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(), embeddingDimension, includeInstructions));
    }

    /// <summary>Changes the router's options in code, after configuration is bound.</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>This builder.</returns>
    public MetaLlmRouterBuilder Configure(Action<MetaLlmRouterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(OptionsName, configure);
        return this;
    }

    internal MetaLlmRouter Build(IServiceProvider services)
    {
        if (_arms.Count == 0)
        {
            throw new InvalidOperationException("The MetaLlm router has no arms; add at least one with AddArm when calling AddMetaLlmRouter.");
        }

        var options = services.GetRequiredService<IOptionsMonitor<MetaLlmRouterOptions>>().Get(OptionsName);
        var arms = _arms.Select(factory => factory(services)).ToArray();
        var featurizer = _featurizerFactory?.Invoke(services);
        int dimension = featurizer?.Dimension ?? options.FeatureDimension;
        var policy = _policyFactory?.Invoke(services, arms.Length, dimension);
        return new MetaLlmRouter(
            arms,
            options,
            policy,
            featurizer,
            services.GetService<TimeProvider>(),
            services.GetService<ILoggerFactory>());
    }
}
