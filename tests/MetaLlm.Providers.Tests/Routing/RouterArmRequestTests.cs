using Amazon.Runtime;
using MetaLlm.Providers.Tests.Anthropic;
using MetaLlm.Providers.Tests.Bedrock;
using MetaLlm.Providers.Tests.OpenAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace MetaLlm.Providers.Tests.Routing;

/// <summary>
/// What reaches the provider when the router calls an arm: the arm's own model, whatever model the caller named, and
/// none of the router's <c>metallm.*</c> options, while the caller's other model parameters still go through.
/// </summary>
public sealed class RouterArmRequestTests
{
    private const string TitanId = "amazon.titan-text-express-v1";

    private static readonly ChatMessage[] Question = [new(ChatRole.User, "Service was slow and the food was cold.")];

    private static ChatOptions CallerOptions() => new()
    {
        ModelId = "someone-elses-model",
        AdditionalProperties = new()
        {
            ["metallm.expected_label"] = "negative",
            ["MetaLlm.Tenant"] = "t-1",
            ["custom_field"] = 7,
        },
    };

    private static MetaLlmRouter Router(Action<MetaLlmRouterBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddMetaLlmRouter(configure);
        return services.BuildServiceProvider().GetRequiredService<MetaLlmRouter>();
    }

    [Fact]
    public async Task A_bedrock_arm_calls_its_own_model_path_and_forwards_only_the_callers_own_fields()
    {
        await using var server = await LoopbackServer.StartAsync((context, request) => request.RawTarget.EndsWith("/converse-stream", StringComparison.Ordinal)
            ? BedrockTestServer.WriteFramesAsync(context,
                EventStreamFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"negative"}}"""),
                EventStreamFrames.Event("messageStop", """{"stopReason":"end_turn"}"""))
            : BedrockTestServer.WriteAsync(context, 200, "application/json", BedrockTestServer.ConverseJson));
        using var handler = new TrackingHandler();
        using var router = Router(b => b.AddBedrockArm(TitanId, BedrockTestServer.Region, configure: o =>
        {
            o.Endpoint = server.BaseAddress;
            o.Credentials = new BasicAWSCredentials(BedrockTestServer.AccessKey, BedrockTestServer.SecretKey);
            o.HttpMessageHandler = handler;
        }));
        var options = CallerOptions();

        var response = await router.GetResponseAsync(Question, options);
        await router.GetStreamingResponseAsync(Question, options).ToListAsync();

        server.Requests.Select(r => r.RawTarget).Should().Equal($"/model/{TitanId}/converse", $"/model/{TitanId}/converse-stream");
        response.ModelId.Should().Be(TitanId);
        foreach (var request in server.Requests)
        {
            request.BodyText.Should().NotContain("metallm", "the router's own keys never reach a model").And.NotContain("MetaLlm");
            request.BodyText.Should().NotContain("someone-elses-model");
            request.Json.GetProperty("additionalModelRequestFields").GetProperty("custom_field").GetInt32().Should().Be(7);
            SigV4Verifier.Verify(request, BedrockTestServer.AccessKey, BedrockTestServer.SecretKey, BedrockTestServer.Region, "bedrock").Valid.Should().BeTrue();
        }

        options.ModelId.Should().Be("someone-elses-model", "the caller's options are not changed");
        options.AdditionalProperties.Should().ContainKey("metallm.expected_label");
    }

    [Fact]
    public async Task OpenAI_and_anthropic_arms_send_their_own_model_and_none_of_the_routers_keys()
    {
        await using var openAI = await LoopbackServer.StartAsync((context, _) => OpenAIWire.WriteJsonAsync(context, 200, OpenAIWire.CompletionJson));
        await using var anthropic = await LoopbackServer.StartAsync((context, _) => AnthropicWire.WriteAsync(context, 200, AnthropicWire.MessageJson));
        using var openAIHandler = new TrackingHandler();
        using var anthropicHandler = new TrackingHandler();
        using var openAIRouter = Router(b => b.AddOpenAIArm("gpt-4o-mini", "sk-test", configure: o =>
        {
            o.Endpoint = new Uri(openAI.BaseAddress, "/v1/");
            o.HttpMessageHandler = openAIHandler;
        }));
        using var anthropicRouter = Router(b => b.AddAnthropicArm("claude-haiku-4-5", "sk-ant-test", configure: o =>
        {
            o.Endpoint = anthropic.BaseAddress;
            o.HttpMessageHandler = anthropicHandler;
        }));

        await openAIRouter.GetResponseAsync(Question, CallerOptions());
        await anthropicRouter.GetResponseAsync(Question, CallerOptions());

        openAI.Requests.Single().Json.GetProperty("model").GetString().Should().Be("gpt-4o-mini");
        anthropic.Requests.Single().Json.GetProperty("model").GetString().Should().Be("claude-haiku-4-5");
        openAI.Requests.Concat(anthropic.Requests).Should().OnlyContain(r =>
            !r.BodyText.Contains("metallm", StringComparison.OrdinalIgnoreCase) && !r.BodyText.Contains("someone-elses-model", StringComparison.Ordinal));
    }
}
