using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using MetaLlm.WebApi.Tests.Support;
using OpenTelemetry.Trace;

namespace MetaLlm.WebApi.Tests.Telemetry;

public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_answers_200_with_the_prometheus_text_exposition()
    {
        // Which instruments of the router's meter recorded anything: none until the router publishes metrics.
        var routerInstruments = new ConcurrentDictionary<string, bool>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, meterListener) =>
            {
                if (instrument.Meter.Name == "MetaLlm")
                {
                    meterListener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => routerInstruments[instrument.Name] = true);
        listener.SetMeasurementEventCallback<int>((instrument, _, _, _) => routerInstruments[instrument.Name] = true);
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => routerInstruments[instrument.Name] = true);
        listener.Start();

        using var factory = new WebApiFactory();
        using var client = factory.CreateClient();
        var chat = await client.ChatOkAsync("What is 2 + 2?");
        using var feedback = await client.FeedbackAsync(chat.GetProperty("decisionId").GetString()!, 1);

        using var response = await client.GetAsync("/metrics");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        response.Content.Headers.ContentType.Parameters.Should().Contain(p => p.Name == "version" && p.Value == "0.0.4");
        string body = await response.Content.ReadAsStringAsync();
        body.Should().Contain("# TYPE ").And.Contain("target_info{service_name=\"MetaLlm.WebApi\"");
        body.Should().Contain("http_server_request_duration_seconds_bucket{").And.Contain("http_route=\"/chat\"");
        if (!routerInstruments.IsEmpty)
        {
            body.Should().MatchRegex("(?m)^metallm_", $"the router recorded {string.Join(", ", routerInstruments.Keys)}");
        }
    }

    [Fact]
    public async Task Traces_cover_the_requests_and_never_carry_the_prompt()
    {
        const string Prompt = "Is the quokka-tangerine-0413 a real animal?";
        var collected = new CollectingActivityProcessor();
        using var factory = new WebApiFactory(services: services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(collected)));
        using var client = factory.CreateClient();

        var chat = await client.ChatOkAsync(Prompt);
        using var feedback = await client.FeedbackAsync(chat.GetProperty("decisionId").GetString()!, 1);

        // The server's spans end just after the responses are sent: wait for them rather than race them.
        await collected.WaitForAsync(a => a.DisplayName == "POST /chat" && a.Source.Name == "Microsoft.AspNetCore", TimeSpan.FromSeconds(30));
        await collected.WaitForAsync(a => a.DisplayName == "POST /feedback/{decisionId}", TimeSpan.FromSeconds(30));
        foreach (var activity in collected.Activities)
        {
            activity.TagObjects.Select(t => t.Value?.ToString() ?? string.Empty)
                .Concat(activity.Events.SelectMany(e => e.Tags.Select(t => t.Value?.ToString() ?? string.Empty)))
                .Append(activity.StatusDescription ?? string.Empty)
                .Should().NotContain(value => value.Contains("quokka-tangerine", StringComparison.Ordinal), $"activity {activity.Source.Name}/{activity.DisplayName} must not carry the prompt");
        }
    }

    [Fact]
    public async Task Metrics_export_the_instruments_of_the_meter_named_MetaLlm()
    {
        // A probe on a meter of the router's name stands in for the router's own instruments.
        using var factory = new WebApiFactory();
        using var client = factory.CreateClient();
        using var meter = new Meter("MetaLlm");
        var probe = meter.CreateCounter<long>("metallm.webapi_tests.probe");
        probe.Add(3);

        string body = await client.GetStringAsync("/metrics");

        body.Should().MatchRegex("(?m)^metallm_webapi_tests_probe_total\\{otel_scope_name=\"MetaLlm\"\\} 3$");
    }
}
