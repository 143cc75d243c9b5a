using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MetaLlm.WebApi.Telemetry;

/// <summary>
/// OpenTelemetry for the sample: traces of ASP.NET Core and the router to the console, metrics of ASP.NET Core and the
/// router on the Prometheus scrape endpoint <c>GET /metrics</c>.
/// </summary>
internal static class SampleTelemetry
{
    /// <summary>The name of the router's <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string RouterSourceName = "MetaLlm";

    /// <summary>The service name the traces and metrics carry.</summary>
    public const string ServiceName = "MetaLlm.WebApi";

    /// <summary>The path Prometheus scrapes.</summary>
    public const string ScrapePath = "/metrics";

    public static IServiceCollection AddSampleTelemetry(this IServiceCollection services, bool consoleTraces)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(RouterSourceName)
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments(ScrapePath, StringComparison.Ordinal));
                if (consoleTraces)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics => metrics
                .AddMeter(RouterSourceName)
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter());
        return services;
    }
}
