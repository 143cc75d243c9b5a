// A web API in front of the MetaLlm router: POST /chat routes a message to the model that answers best for the money,
// POST /feedback/{decisionId} teaches the router how good the answer was, GET /arms shows what it knows, and
// GET /metrics is the Prometheus scrape endpoint. Without provider keys it routes among in-process fake models.
using System.Text.Json.Serialization;
using MetaLlm;
using MetaLlm.WebApi.Arms;
using MetaLlm.WebApi.Endpoints;
using MetaLlm.WebApi.Errors;
using MetaLlm.WebApi.State;
using MetaLlm.WebApi.Telemetry;
using MetaLlm.WebApi.Traffic;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, LearnedStateOptions.CommandLineSwitches);

builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<RouterExceptionHandler>();
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
builder.Services.AddSampleTelemetry(consoleTraces: builder.Configuration.GetValue("Telemetry:ConsoleTraces", defaultValue: true));
builder.Services.AddSingleton<ArmTraffic>();

IReadOnlyList<ActiveArm> activeArms = [];
string? statePath = LearnedStateOptions.GetPath(builder.Configuration);
builder.Services
    .AddMetaLlmRouter(builder.Configuration.GetSection("MetaLlm"), router =>
    {
        activeArms = SampleArms.Add(router, builder.Configuration);
        if (statePath is not null)
        {
            router.UseFileState(statePath);
        }
    })
    .Use((inner, services) => new ArmTrafficChatClient(inner, services.GetRequiredService<ArmTraffic>()));

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapChat();
app.MapFeedback();
app.MapArms();
app.MapPrometheusScrapingEndpoint(SampleTelemetry.ScrapePath);

// Resolving the router creates every arm's client and loads the saved state: a missing key or an unusable snapshot
// stops the start-up here, with the reason, rather than failing the first request.
StartupReport.Write(app.Logger, app.Services.GetRequiredService<MetaLlmRouter>(), activeArms, statePath);
app.Run();

/// <summary>The entry point, visible to the tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
