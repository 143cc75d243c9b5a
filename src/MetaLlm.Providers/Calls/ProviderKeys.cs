using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MetaLlm.Providers;

/// <summary>Finds a provider's key: in configuration (a section key, or the environment variable's name), then in the environment.</summary>
internal static class ProviderKeys
{
    public static string? Find(IServiceProvider? services, string configurationKey, string environmentVariable)
    {
        var configuration = services?.GetService<IConfiguration>();
        string? value = configuration?[configurationKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            value = configuration?[environmentVariable];
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            value = Environment.GetEnvironmentVariable(environmentVariable);
        }

        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>Returns the key given in code, else the one <see cref="Find"/> finds, else throws naming every place looked in.</summary>
    public static string Require(IServiceProvider? services, string? apiKey, string provider, string model, string configurationKey, string environmentVariable) =>
        apiKey
        ?? Find(services, configurationKey, environmentVariable)
        ?? throw new InvalidOperationException($"No API key for {provider} model '{model}': pass apiKey, set the configuration key '{configurationKey}', or set the environment variable {environmentVariable}.");
}
