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

    public static InvalidOperationException Missing(string provider, string model, string configurationKey, string environmentVariable) =>
        new($"No API key for {provider} model '{model}': pass apiKey, set the configuration key '{configurationKey}', or set the environment variable {environmentVariable}.");
}
