using Amazon.Runtime;
using MetaLlm.Providers.Tests.Anthropic;
using MetaLlm.Providers.Tests.Bedrock;
using MetaLlm.Providers.Tests.OpenAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace MetaLlm.Providers.Tests.Routing;

/// <summary>
/// Through the router, an answer that used the prompt cache costs what the provider bills: cached input at the cached
/// price, cache writes at the write price (one-hour writes at theirs), reasoning inside the output. Each provider's
/// SDK or client reports the usage its own way; the expected costs are worked out by hand from the wire numbers.
/// </summary>
public sealed class RouterCachedCostTests
{
    private static readonly ChatMessage[] Question = [new(ChatRole.User, "Service was slow and the food was cold.")];

    /// <summary>Claude Sonnet's list prices per million tokens: $3 in, $0.30 cache read, $3.75 5-minute write, $6 1-hour write, $15 out.</summary>
    private static readonly ModelPricing Sonnet = new(3.00m, 15.00m)
    {
        CachedInputPerMillionTokens = 0.30m,
        CacheWritePerMillionTokens = 3.75m,
        LongCacheWritePerMillionTokens = 6.00m,
    };

    private const string BedrockSonnet = "anthropic.claude-sonnet-4-5-20250929-v1:0";

    private static MetaLlmRouter Router(Action<MetaLlmRouterBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddMetaLlmRouter(configure);
        return services.BuildServiceProvider().GetRequiredService<MetaLlmRouter>();
    }

    private static decimal? LastCost(IEnumerable<ChatResponseUpdate> updates) =>
        updates.Select(u => u.AdditionalProperties?.TryGetValue(MetaLlmPropertyNames.CostUsd, out decimal cost) == true ? cost : (decimal?)null)
            .LastOrDefault(c => c is not null);

    private static string DecisionId(IEnumerable<ChatResponseUpdate> updates) =>
        (string)updates.First().AdditionalProperties![MetaLlmPropertyNames.DecisionId]!;

    [Fact]
    public async Task OpenAI_o4_mini_bills_cached_prompt_tokens_at_the_cached_price_and_reasoning_as_output()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => OpenAIWire.WriteJsonAsync(context, 200, OpenAIWire.CachedReasoningCompletionJson));
        using var handler = new TrackingHandler();
        var price = new ModelPricing(1.10m, 4.40m) { CachedInputPerMillionTokens = 0.275m }; // The catalogue has no cached price for o4-mini.
        using var router = Router(b => b.AddOpenAIArm("o4-mini", "sk-test", price, o =>
        {
            o.Endpoint = new Uri(server.BaseAddress, "/v1/");
            o.HttpMessageHandler = handler;
        }));

        var response = await router.GetResponseAsync(Question);
        var feedback = router.RecordFeedback(response.GetDecisionId()!, 1.0);

        // What Microsoft.Extensions.AI.OpenAI made of prompt_tokens 2000 (1500 cached) and completion_tokens 500 (300 reasoning):
        response.Usage!.InputTokenCount.Should().Be(2000, "cached tokens are inside prompt_tokens");
        response.Usage.CachedInputTokenCount.Should().Be(1500);
        response.Usage.OutputTokenCount.Should().Be(500, "reasoning tokens are inside completion_tokens");
        response.Usage.ReasoningTokenCount.Should().Be(300);

        // 500 uncached × $1.10 + 1500 cached × $0.275 + 500 output × $4.40, per million:
        // (550 + 412.5 + 2200) / 1e6 = 3162.5 / 1e6 = $0.0031625.
        // The old rule (every prompt token at $1.10) gave (2200 + 2200) / 1e6 = $0.0044.
        const decimal expected = 0.0031625m;
        response.GetCostUsd().Should().Be(expected);
        feedback.CostUsd.Should().Be(expected);
        price.ComputeCost(2000, 500).Should().Be(0.0044m, "the old rule's figure, for comparison");
    }

    [Fact]
    public async Task Anthropic_bills_cache_reads_and_five_minute_and_one_hour_writes_at_their_own_prices()
    {
        await using var server = await LoopbackServer.StartAsync((context, request) =>
            AnthropicWire.WriteAsync(context, request, AnthropicWire.CachedMessageJson, AnthropicWire.CachedMessageEvents));
        using var handler = new TrackingHandler();
        using var router = Router(b => b.AddAnthropicArm("claude-sonnet-4-5", "sk-ant-test", Sonnet, o =>
        {
            o.Endpoint = server.BaseAddress;
            o.HttpMessageHandler = handler;
        }));

        var response = await router.GetResponseAsync(Question);
        var updates = await router.GetStreamingResponseAsync(Question).ToListAsync();
        var feedback = router.RecordFeedback(response.GetDecisionId()!, 1.0);
        var streamedFeedback = router.RecordFeedback(DecisionId(updates), 1.0);

        // Wire usage: input_tokens 100 (uncached), cache_read_input_tokens 1500, cache_creation_input_tokens 500
        // (ephemeral_5m 200, ephemeral_1h 300), output_tokens 50. Per million:
        //   100 × $3 + 1500 × $0.30 + 200 × $3.75 + 300 × $6 + 50 × $15
        // = 300 + 450 + 750 + 1800 + 750 = 4050  →  $0.00405.
        // The old rule billed the SDK's 2100 input tokens at $3: (6300 + 750) / 1e6 = $0.00705, 1.74× too high
        // (2.09× the $0.003375 of pricing all 500 writes at the 5-minute price).
        const decimal expected = 0.00405m;
        response.GetCostUsd().Should().Be(expected);
        feedback.CostUsd.Should().Be(expected);
        LastCost(updates).Should().Be(expected);
        streamedFeedback.CostUsd.Should().Be(expected);
        Sonnet.ComputeCost(2100, 50).Should().Be(0.00705m, "the old rule's figure, for comparison");
    }

    [Fact]
    public async Task Bedrock_bills_cache_reads_and_writes_that_converse_reports_beside_its_input_count_plain_and_streamed()
    {
        const string usage = """{"inputTokens":100,"cacheReadInputTokens":1500,"cacheWriteInputTokens":500,"outputTokens":50,"totalTokens":2150}""";
        await using var server = await LoopbackServer.StartAsync((context, request) => request.RawTarget.EndsWith("/converse-stream", StringComparison.Ordinal)
            ? BedrockTestServer.WriteFramesAsync(context,
                EventStreamFrames.Event("messageStart", """{"role":"assistant"}"""),
                EventStreamFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"negative"}}"""),
                EventStreamFrames.Event("messageStop", """{"stopReason":"end_turn"}"""),
                EventStreamFrames.Event("metadata", $$$"""{"usage":{{{usage}}},"metrics":{"latencyMs":9}}"""))
            : BedrockTestServer.WriteAsync(context, 200, "application/json",
                $$$"""{"output":{"message":{"role":"assistant","content":[{"text":"negative"}]}},"stopReason":"end_turn","usage":{{{usage}}}}"""));
        using var handler = new TrackingHandler();
        using var router = Router(b => b.AddBedrockArm(BedrockSonnet, BedrockTestServer.Region, Sonnet, o =>
        {
            o.Endpoint = server.BaseAddress;
            o.Credentials = new BasicAWSCredentials(BedrockTestServer.AccessKey, BedrockTestServer.SecretKey);
            o.HttpMessageHandler = handler;
        }));

        var response = await router.GetResponseAsync(Question);
        var updates = await router.GetStreamingResponseAsync(Question).ToListAsync();
        var streamedFeedback = router.RecordFeedback(DecisionId(updates), 1.0);

        // Converse's inputTokens (100) excludes the 1500 cache reads and 500 cache writes; totalTokens 2150 = all four.
        response.Usage!.InputTokenCount.Should().Be(2100);
        response.Usage.CachedInputTokenCount.Should().Be(1500);
        response.Usage.AdditionalCounts.Should().Contain(BilledTokens.CacheWriteCountKey, 500);
        updates.ToChatResponse().Usage!.InputTokenCount.Should().Be(2100, "the stream's metadata event is read by the same rule");

        // No cacheDetails, so every write is a 5-minute write. Per million:
        //   100 × $3 + 1500 × $0.30 + 500 × $3.75 + 50 × $15
        // = 300 + 450 + 1875 + 750 = 3375  →  $0.003375.
        // Before, the 1500 cached tokens exceeded the 100 input tokens they must be part of, so the cost was unknown;
        // and pricing inputTokens alone, (300 + 750) / 1e6 = $0.00105, was 3.2× too low.
        const decimal expected = 0.003375m;
        response.GetCostUsd().Should().Be(expected);
        LastCost(updates).Should().Be(expected);
        streamedFeedback.CostUsd.Should().Be(expected);
    }

    [Fact]
    public async Task Bedrock_bills_the_one_hour_writes_of_cache_details_at_the_one_hour_price()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => BedrockTestServer.WriteFramesAsync(context,
            EventStreamFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"negative"}}"""),
            EventStreamFrames.Event("messageStop", """{"stopReason":"end_turn"}"""),
            EventStreamFrames.Event("metadata", """
                {"usage":{"inputTokens":100,"cacheReadInputTokens":1500,"cacheWriteInputTokens":500,"outputTokens":50,"totalTokens":2150,
                          "cacheDetails":[{"inputTokens":300,"ttl":"1h"},{"inputTokens":200,"ttl":"5m"}]}}
                """)));
        using var handler = new TrackingHandler();
        using var router = Router(b => b.AddBedrockArm(BedrockSonnet, BedrockTestServer.Region, Sonnet, o =>
        {
            o.Endpoint = server.BaseAddress;
            o.Credentials = new BasicAWSCredentials(BedrockTestServer.AccessKey, BedrockTestServer.SecretKey);
            o.HttpMessageHandler = handler;
        }));

        var updates = await router.GetStreamingResponseAsync(Question).ToListAsync();

        // 100 × $3 + 1500 × $0.30 + 200 × $3.75 + 300 × $6 + 50 × $15 = 300 + 450 + 750 + 1800 + 750 = 4050  →  $0.00405.
        LastCost(updates).Should().Be(0.00405m);
    }
}
