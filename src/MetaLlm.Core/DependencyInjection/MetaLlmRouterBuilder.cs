using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MetaLlm;

/// <summary>Configures the arms, policy and featurizer of a <see cref="MetaLlmRouter"/> registered in a service collection.</summary>
public sealed class MetaLlmRouterBuilder
{
    private readonly List<Func<IServiceProvider, RouterArm>> _arms = [];
    private Func<IServiceProvider, int, int, IRoutingPolicy>? _policyFactory;
    private Func<IServiceProvider, IRequestFeaturizer>? _featurizerFactory;
    private Func<IServiceProvider, IRouterStateStore>? _stateStoreFactory;
    private Func<IServiceProvider, IDecisionLog>? _decisionLogFactory;

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

    /// <summary>
    /// Projects the featurizer configured so far (the default hashing featurizer when none is) to fewer features with
    /// a seeded <see cref="RandomProjectionFeaturizer"/>; call it after the featurizer is chosen.
    /// </summary>
    /// <param name="dimension">The number of features the router decides on, the bias included.</param>
    /// <param name="seed">The seed of the projection matrix; instances sharing learned state must use the same one.</param>
    /// <returns>This builder.</returns>
    public MetaLlmRouterBuilder UseRandomProjection(int dimension, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 2);
        var innerFactory = _featurizerFactory;
        return UseFeaturizer(services =>
        {
            var inner = innerFactory?.Invoke(services)
                ?? new HashingFeaturizer(services.GetRequiredService<IOptionsMonitor<MetaLlmRouterOptions>>().Get(OptionsName).FeatureDimension);
            return new RandomProjectionFeaturizer(inner, dimension, seed);
        });
    }

    /// <summary>
    /// Projects the featurizer configured so far (the default hashing featurizer when none is) onto the principal
    /// components saved in <paramref name="path"/> by <see cref="PrincipalComponentFeaturizer.Save(string)"/>; call it
    /// after the featurizer is chosen. The file is read when the router is first resolved.
    /// </summary>
    /// <param name="path">The saved projection, fitted on the same featurizer (its fingerprint is checked).</param>
    /// <returns>This builder.</returns>
    /// <remarks>
    /// Fit the projection once on a sample of the traffic's prompts (<see cref="PrincipalComponentFeaturizer.FitAsync"/>;
    /// no outcomes needed), save it, and deploy the file with the router's state: every instance and restart then
    /// decides on the same features. A missing, damaged or mismatched file makes resolving the router fail with the reason.
    /// </remarks>
    public MetaLlmRouterBuilder UsePrincipalComponents(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var innerFactory = _featurizerFactory;
        return UseFeaturizer(services =>
        {
            var inner = innerFactory?.Invoke(services)
                ?? new HashingFeaturizer(services.GetRequiredService<IOptionsMonitor<MetaLlmRouterOptions>>().Get(OptionsName).FeatureDimension);
            return PrincipalComponentFeaturizer.Load(path, inner);
        });
    }

    /// <summary>
    /// Keeps what the router learns in a file: it is loaded when the router is first resolved (before any request),
    /// saved every <paramref name="autosaveInterval"/> by a hosted service, and once more when the host stops.
    /// </summary>
    /// <param name="path">The snapshot file; the one saved before it is kept beside it (<c>.previous</c>).</param>
    /// <param name="autosaveInterval">How often to save, or <see langword="null"/> for every minute; <see cref="Timeout.InfiniteTimeSpan"/> saves only on shutdown.</param>
    /// <returns>This builder.</returns>
    /// <remarks>
    /// A snapshot that cannot be used (another featurizer or dimension, corruption in both files, a newer format)
    /// makes resolving the router fail with the reason, and nothing is overwritten.
    /// </remarks>
    public MetaLlmRouterBuilder UseFileState(string path, TimeSpan? autosaveInterval = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return UseStateStore(services => new FileRouterStateStore(path, services.GetService<ILogger<FileRouterStateStore>>()), autosaveInterval);
    }

    /// <summary>
    /// Keeps what the router learns in a store: loaded when the router is first resolved, saved periodically by a
    /// hosted service and once more when the host stops.
    /// </summary>
    /// <param name="storeFactory">Creates the store from the service provider.</param>
    /// <param name="autosaveInterval">How often to save, or <see langword="null"/> for every minute; <see cref="Timeout.InfiniteTimeSpan"/> saves only on shutdown.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="autosaveInterval"/> is zero or negative (other than infinite).</exception>
    public MetaLlmRouterBuilder UseStateStore(Func<IServiceProvider, IRouterStateStore> storeFactory, TimeSpan? autosaveInterval = null)
    {
        ArgumentNullException.ThrowIfNull(storeFactory);
        var interval = autosaveInterval ?? TimeSpan.FromMinutes(1);
        if (interval <= TimeSpan.Zero && interval != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(autosaveInterval), interval, "The autosave interval must be positive, or infinite to save only on shutdown.");
        }

        bool first = _stateStoreFactory is null;
        _stateStoreFactory = storeFactory;
        if (first)
        {
            object? key = ServiceKey;
            Services.AddSingleton<IHostedService>(services => new RouterStateAutosaveService(
                () => key is null ? services.GetRequiredService<MetaLlmRouter>() : services.GetRequiredKeyedService<MetaLlmRouter>(key),
                () => StateStore!,
                interval,
                services.GetService<TimeProvider>() ?? TimeProvider.System,
                services.GetService<ILoggerFactory>()?.CreateLogger<RouterStateAutosaveService>()));
        }

        return this;
    }

    /// <summary>
    /// Logs every decision once its feedback is recorded, for off-policy evaluation (see <see cref="IDecisionLog"/>
    /// and <see cref="OffPolicyEvaluator"/>); it replaces <see cref="MetaLlmRouterOptions.DecisionLog"/>.
    /// </summary>
    /// <param name="decisionLogFactory">Creates the log from the service provider when the router is first resolved.</param>
    /// <returns>This builder.</returns>
    public MetaLlmRouterBuilder UseDecisionLog(Func<IServiceProvider, IDecisionLog> decisionLogFactory)
    {
        ArgumentNullException.ThrowIfNull(decisionLogFactory);
        _decisionLogFactory = decisionLogFactory;
        return this;
    }

    // The store the router was built with, so the hosted service saves where the router loaded from.
    private IRouterStateStore? StateStore { get; set; }

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
        if (_decisionLogFactory is not null)
        {
            options = options.Clone();
            options.DecisionLog = _decisionLogFactory(services) ?? throw new InvalidOperationException("The decision log factory returned null.");
        }

        var arms = _arms.Select(factory => factory(services)).ToArray();
        var featurizer = _featurizerFactory?.Invoke(services);
        int dimension = featurizer?.Dimension ?? options.FeatureDimension;
        var policy = _policyFactory?.Invoke(services, arms.Length, dimension);
        var monitor = services.GetRequiredService<IOptionsMonitor<MetaLlmRouterOptions>>();
        var router = new MetaLlmRouter(
            arms,
            options,
            policy,
            featurizer,
            services.GetService<TimeProvider>(),
            services.GetService<ILoggerFactory>());

        // Configuration wins over a snapshot for λ, and a reloaded λ applies from the next decision; an invalid reload
        // is ignored (start-up validation already named the problem once).
        router.DisposeWith(monitor.OnChange((changed, name) =>
        {
            if (string.Equals(name, OptionsName, StringComparison.Ordinal) && changed.GetValidationErrors().Count == 0)
            {
                router.CostWeight = changed.CostWeight;
            }
        }));

        if (_stateStoreFactory is not null)
        {
            StateStore = _stateStoreFactory(services) ?? throw new InvalidOperationException("The state store factory returned null.");

            // The router is resolved once, as a singleton; loading before it is handed out keeps every request on the restored state.
            router.LoadStateAsync(StateStore).GetAwaiter().GetResult();
        }

        return router;
    }
}
