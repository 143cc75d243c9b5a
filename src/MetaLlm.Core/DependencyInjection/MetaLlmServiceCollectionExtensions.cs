using MetaLlm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MetaLlm router in a service collection.</summary>
public static class MetaLlmServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="MetaLlmRouter"/> as a singleton, and as the <see cref="IChatClient"/> at the bottom of the
    /// returned pipeline.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adds the arms and chooses the policy and featurizer.</param>
    /// <returns>The <see cref="ChatClientBuilder"/> of the <see cref="IChatClient"/> registration, to add middleware such as <c>UseOpenTelemetry()</c>.</returns>
    public static ChatClientBuilder AddMetaLlmRouter(this IServiceCollection services, Action<MetaLlmRouterBuilder> configure) =>
        AddMetaLlmRouterCore(services, serviceKey: null, configuration: null, configure);

    /// <summary>Registers a <see cref="MetaLlmRouter"/> whose options are bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section holding <see cref="MetaLlmRouterOptions"/> (for example <c>MetaLlm</c>).</param>
    /// <param name="configure">Adds the arms and chooses the policy and featurizer.</param>
    /// <returns>The <see cref="ChatClientBuilder"/> of the <see cref="IChatClient"/> registration.</returns>
    public static ChatClientBuilder AddMetaLlmRouter(this IServiceCollection services, IConfiguration configuration, Action<MetaLlmRouterBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddMetaLlmRouterCore(services, serviceKey: null, configuration, configure);
    }

    /// <summary>
    /// Registers a <see cref="MetaLlmRouter"/> under <paramref name="serviceKey"/>, as a keyed singleton and as the keyed
    /// <see cref="IChatClient"/> at the bottom of the returned pipeline.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="configure">Adds the arms and chooses the policy and featurizer.</param>
    /// <param name="configuration">The configuration section holding the options, or <see langword="null"/>.</param>
    /// <returns>The <see cref="ChatClientBuilder"/> of the keyed <see cref="IChatClient"/> registration.</returns>
    public static ChatClientBuilder AddKeyedMetaLlmRouter(this IServiceCollection services, object serviceKey, Action<MetaLlmRouterBuilder> configure, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return AddMetaLlmRouterCore(services, serviceKey, configuration, configure);
    }

    private static ChatClientBuilder AddMetaLlmRouterCore(IServiceCollection services, object? serviceKey, IConfiguration? configuration, Action<MetaLlmRouterBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        string optionsName = serviceKey is null ? Options.Options.DefaultName : $"MetaLlm:{serviceKey}";
        var optionsBuilder = services.AddOptions<MetaLlmRouterOptions>(optionsName);
        if (configuration is not null)
        {
            optionsBuilder.Bind(configuration);
        }

        optionsBuilder.ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetaLlmRouterOptions>>(new MetaLlmRouterOptionsValidator(optionsName));

        var builder = new MetaLlmRouterBuilder(services, serviceKey, optionsName);
        configure(builder);

        if (serviceKey is null)
        {
            services.AddSingleton(builder.Build);
            return services.AddChatClient(provider => provider.GetRequiredService<MetaLlmRouter>());
        }

        services.AddKeyedSingleton(serviceKey, (provider, _) => builder.Build(provider));
        return services.AddKeyedChatClient(serviceKey, provider => provider.GetRequiredKeyedService<MetaLlmRouter>(serviceKey));
    }
}

/// <summary>Checks <see cref="MetaLlmRouterOptions"/> at start-up, reporting every invalid value by name.</summary>
internal sealed class MetaLlmRouterOptionsValidator(string name) : IValidateOptions<MetaLlmRouterOptions>
{
    public ValidateOptionsResult Validate(string? name1, MetaLlmRouterOptions options)
    {
        if (!string.Equals(name1, name, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = options.GetValidationErrors();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => "MetaLlm router options: " + e));
    }
}
