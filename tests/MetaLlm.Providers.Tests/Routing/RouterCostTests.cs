using Amazon.Runtime;
using MetaLlm.Providers.Tests.Anthropic;
using MetaLlm.Providers.Tests.Bedrock;
using MetaLlm.Providers.Tests.OpenAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MetaLlm.Providers.Tests.Routing;

/// <summary>Through the router, the recorded cost of each provider's answer is its tokens times the catalogue's price.</summary>
public sealed class RouterCostTests
{
    private static readonly ChatMessage[] Question = [new(ChatRole.User, "Service was slow and the food was cold.")];

    private static decimal Expected(string modelId, long input, long output)
    {
        var price = ModelPriceCatalog.Default.GetPricing(modelId);
        return ((input * price.InputPerMillionTokens) + (output * price.OutputPerMillionTokens)) / 1_000_000m;
    }

    private static MetaLlmRouter Router(Action<MetaLlmRouterBuilder> configure, IConfiguration? configuration = null)
    {
        var services = new ServiceCollection();
        if (configuration is not null)
        {
            services.AddSingleton(configuration);
        }

        services.AddMetaLlmRouter(configure);
        return services.BuildServiceProvider().GetRequiredService<MetaLlmRouter>();
    }

    [Fact]
    public async Task OpenAI_cost_is_tokens_times_catalogue_price()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => OpenAIWire.WriteJsonAsync(context, 200, OpenAIWire.CompletionJson));
        using var handler = new TrackingHandler();
        using var router = Router(b => b.AddOpenAIArm("gpt-4o-mini", "sk-test", configure: o =>
        {
            o.Endpoint = new Uri(server.BaseAddress, "/v1/");
            o.HttpMessageHandler = handler;
        }));

        var response = await router.GetResponseAsync(Question);
        var feedback = router.RecordFeedback(response.GetDecisionId()!, 1.0);

        decimal expected = Expected("gpt-4o-mini", 1000, 250);
        expected.Should().Be(0.0003m, "gpt-4o-mini is $0.15 in and $0.60 out per million tokens in the catalogue");
        response.GetCostUsd().Should().Be(expected);
        feedback.CostUsd.Should().Be(expected);
        response.GetArmName().Should().Be("gpt-4o-mini");
    }

    [Fact]
    public async Task OpenAI_streamed_cost_is_charged_from_the_usage_of_the_last_chunk()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => OpenAIWire.WriteEventsAsync(context));
        using var handler = new TrackingHandler();
        using var router = Router(b => b.AddOpenAIArm("gpt-4o-mini", "sk-test", configure: o =>
        {
            o.Endpoint = new Uri(server.BaseAddress, "/v1/");
            o.HttpMessageHandler = handler;
        }));

        var updates = await router.GetStreamingResponseAsync(Question).ToListAsync();
        var feedback = router.RecordFeedback((string)updates[0].AdditionalProperties![MetaLlmPropertyNames.DecisionId]!, 0.5);

        feedback.CostUsd.Should().Be(Expected("gpt-4o-mini", 40, 2));
    }

    [Fact]
    public async Task Bedrock_cost_is_tokens_times_catalogue_price_for_plain_and_streamed_answers()
    {
        await using var server = await LoopbackServer.StartAsync((context, request) => request.RawTarget.EndsWith("/converse-stream", StringComparison.Ordinal)
            ? BedrockTestServer.WriteFramesAsync(context,
                EventStreamFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"negative"}}"""),
                EventStreamFrames.Event("messageStop", """{"stopReason":"end_turn"}"""),
                EventStreamFrames.Event("metadata", """{"usage":{"inputTokens":777,"outputTokens":3,"totalTokens":780}}"""))
            : BedrockTestServer.WriteAsync(context, 200, "application/json", BedrockTestServer.ConverseJson));
        using var handler = new TrackingHandler();
        using var router = Router(b => b.AddBedrockArm("amazon.titan-text-express-v1", "us-east-1", configure: o =>
        {
            o.Endpoint = server.BaseAddress;
            o.Credentials = new BasicAWSCredentials(BedrockTestServer.AccessKey, BedrockTestServer.SecretKey);
            o.HttpMessageHandler = handler;
        }));

        var response = await router.GetResponseAsync(Question);
        var updates = await router.GetStreamingResponseAsync(Question).ToListAsync();

        response.GetCostUsd().Should().Be(Expected("amazon.titan-text-express-v1", 1234, 56));
        updates.Select(u => u.AdditionalProperties?.TryGetValue(MetaLlmPropertyNames.CostUsd, out decimal cost) == true ? cost : (decimal?)null)
            .Where(c => c is not null).Last().Should().Be(Expected("amazon.titan-text-express-v1", 777, 3));
        server.Requests.Should().OnlyContain(r => SigV4Verifier.Verify(r, BedrockTestServer.AccessKey, BedrockTestServer.SecretKey, "us-east-1", "bedrock").Valid);
    }

    [Fact]
    public async Task A_bedrock_api_key_from_configuration_is_sent_as_a_bearer_token()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => BedrockTestServer.WriteAsync(context, 200, "application/json", BedrockTestServer.ConverseJson));
        using var handler = new TrackingHandler();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bedrock:ApiKey"] = "bedrock-key-from-config",
            ["Bedrock:Region"] = "us-west-2",
        }).Build();
        using var router = Router(
            b => b.AddBedrockArm("amazon.nova-lite-v1:0", configure: o =>
            {
                o.Endpoint = server.BaseAddress;
                o.HttpMessageHandler = handler;
            }),
            configuration);

        var response = await router.GetResponseAsync(Question);

        server.Requests.Single().Headers["Authorization"].Should().Be("Bearer bedrock-key-from-config");
        response.GetCostUsd().Should().Be(Expected("amazon.nova-lite-v1:0", 1234, 56));
    }

    [Fact]
    public async Task Anthropic_cost_is_tokens_times_catalogue_price_with_the_key_from_configuration()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => AnthropicWire.WriteAsync(context, 200, AnthropicWire.MessageJson));
        using var handler = new TrackingHandler();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Anthropic:ApiKey"] = "sk-ant-from-config" }).Build();
        using var router = Router(
            b => b.AddAnthropicArm("claude-haiku-4-5", configure: o =>
            {
                o.Endpoint = server.BaseAddress;
                o.HttpMessageHandler = handler;
            }),
            configuration);

        var response = await router.GetResponseAsync(Question);

        response.GetCostUsd().Should().Be(Expected("claude-haiku-4-5", 300, 7));
        server.Requests.Single().Headers["Authorization"].Should().Be("Bearer sk-ant-from-config");
    }

    [Fact]
    public async Task An_openai_compatible_llama_arm_is_charged_the_price_it_was_given()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => OpenAIWire.WriteJsonAsync(context, 200, OpenAIWire.CompletionJson));
        using var handler = new TrackingHandler();
        var price = ModelPricing.PerMillionTokens(0.18m, 0.18m);
        using var router = Router(b => b.AddOpenAICompatibleArm("llama-local", new Uri(server.BaseAddress, "/v1/"), "llama3.1:8b", price,
            configure: o => o.HttpMessageHandler = handler));

        var response = await router.GetResponseAsync(Question);

        response.GetCostUsd().Should().Be(price.ComputeCost(1000, 250));
        server.Requests.Single().Json.GetProperty("model").GetString().Should().Be("llama3.1:8b");
    }

    [Fact]
    public void A_model_without_a_known_price_is_refused_when_the_arm_is_added()
    {
        var services = new ServiceCollection();

        var act = () => services.AddMetaLlmRouter(b => b.AddOpenAIArm("gpt-unpriced-9", "sk-test"));

        act.Should().Throw<UnknownModelPriceException>().Which.Message.Should().Contain("gpt-unpriced-9").And.Contain("free");
    }

    [Fact]
    public void A_missing_key_names_where_it_was_looked_for()
    {
        if (Environment.GetEnvironmentVariable(OpenAIArm.ApiKeyEnvironmentVariable) is not null)
        {
            return; // A real key in the environment would be found, which is the behaviour under test's other branch.
        }

        var services = new ServiceCollection();
        services.AddMetaLlmRouter(b => b.AddOpenAIArm("gpt-4o-mini"));
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<MetaLlmRouter>();

        act.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("OPENAI_API_KEY").And.Contain("OpenAI:ApiKey");
    }
}
