using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MetaLlm.WebApi.Tests.Support;

/// <summary>
/// Hosts the sample in memory with the fake models only. The settings are given with <c>UseSetting</c>, which the
/// sample's <c>Program</c> sees before it registers its arms, and which win over the machine's environment: a key or an
/// <c>Arms__RealProviders</c> variable on the test machine cannot switch a real provider on.
/// </summary>
public sealed class WebApiFactory : WebApplicationFactory<Program>
{
    private static readonly Dictionary<string, string> IsolatedSettings = new()
    {
        ["Arms:RealProviders"] = "false",
        ["Arms:KeepFakeModels"] = "false",
        ["OPENAI_API_KEY"] = string.Empty,
        ["OpenAI:ApiKey"] = string.Empty,
        ["ANTHROPIC_API_KEY"] = string.Empty,
        ["Anthropic:ApiKey"] = string.Empty,
        ["AWS_BEARER_TOKEN_BEDROCK"] = string.Empty,
        ["Bedrock:ApiKey"] = string.Empty,
        ["AWS_ACCESS_KEY_ID"] = string.Empty,
        ["AWS_SECRET_ACCESS_KEY"] = string.Empty,
        ["AWS_PROFILE"] = string.Empty,
        ["State:Path"] = string.Empty,
        ["Telemetry:ConsoleTraces"] = "false",
    };

    private readonly Dictionary<string, string> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly CapturingLoggerProvider? _logs;

    /// <summary>Initializes a new instance of the <see cref="WebApiFactory"/> class.</summary>
    /// <param name="settings">Settings on top of the isolated ones (for example <c>State:Path</c>).</param>
    /// <param name="services">Replaces services after the sample registered its own (for example a router with failing arms).</param>
    /// <param name="logs">Receives every log entry of every category and level, or <see langword="null"/>.</param>
    public WebApiFactory(IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null, CapturingLoggerProvider? logs = null)
    {
        _settings = new Dictionary<string, string>(IsolatedSettings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            _settings[key] = value;
        }

        _services = services;
        _logs = logs;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }

        if (_logs is not null)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(_logs).AddFilter<CapturingLoggerProvider>(category: null, LogLevel.Trace));
        }
    }
}
