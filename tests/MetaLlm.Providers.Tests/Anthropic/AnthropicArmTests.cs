using System.Net;
using Microsoft.Extensions.AI;

namespace MetaLlm.Providers.Tests.Anthropic;

public sealed class AnthropicArmTests
{
    private static readonly ChatMessage[] Question = [new(ChatRole.User, "What a delightful meal.")];

    [Fact]
    public async Task Messages_request_reaches_the_endpoint_with_the_key_and_the_answer_and_usage_are_read()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => AnthropicWire.WriteAsync(context, 200, AnthropicWire.MessageJson));
        using var handler = new TrackingHandler();
        using var client = AnthropicArm.CreateChatClient("claude-haiku-4-5", "sk-ant-test", new AnthropicProviderOptions { Endpoint = server.BaseAddress, HttpMessageHandler = handler });

        var response = await client.GetResponseAsync(Question);

        response.Text.Should().Be("positive");
        response.Usage!.InputTokenCount.Should().Be(300);
        response.Usage.OutputTokenCount.Should().Be(7);
        var request = server.Requests.Single();
        request.RawTarget.Should().StartWith("/v1/messages");
        request.Headers["Authorization"].Should().Be("Bearer sk-ant-test", "this SDK version sends the API key as a bearer token");
        request.Json.GetProperty("model").GetString().Should().Be("claude-haiku-4-5");
        request.Json.GetProperty("max_tokens").GetInt32().Should().Be(AnthropicProviderOptions.DefaultMaxOutputTokens);
    }

    [Fact]
    public async Task Overloaded_server_is_a_transient_provider_exception()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => AnthropicWire.WriteAsync(context, 529,
            """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""));
        using var handler = new TrackingHandler();
        using var client = AnthropicArm.CreateChatClient("claude-haiku-4-5", "sk-ant-test", new AnthropicProviderOptions { Endpoint = server.BaseAddress, HttpMessageHandler = handler });

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(Question));

        error.Provider.Should().Be("anthropic");
        error.Kind.Should().Be(ProviderErrorKind.ServerError);
        error.IsTransient.Should().BeTrue();
        error.StatusCode.Should().Be((HttpStatusCode)529);
        server.Requests.Should().ContainSingle("the SDK's own retries are off");
    }

    [Theory]
    [InlineData("application/json", "{\"id\":\"msg_01\",\"type\":\"mess")]
    [InlineData("text/html", "<html>gateway login</html>")]
    public async Task Truncated_json_or_a_wrong_content_type_is_a_malformed_response(string contentType, string body)
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => AnthropicWire.WriteAsync(context, 200, body, contentType));
        using var handler = new TrackingHandler();
        using var client = AnthropicArm.CreateChatClient("claude-haiku-4-5", "sk-ant-test", new AnthropicProviderOptions { Endpoint = server.BaseAddress, HttpMessageHandler = handler });

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(Question));

        error.Kind.Should().Be(ProviderErrorKind.MalformedResponse);
        error.IsTransient.Should().BeFalse();
        handler.OpenResponses.Should().Be(0);
    }

    [Fact]
    public async Task The_sdks_usage_counts_cache_reads_and_writes_inside_the_input_and_the_arm_adds_the_one_hour_writes()
    {
        await using var server = await LoopbackServer.StartAsync((context, request) =>
            AnthropicWire.WriteAsync(context, request, AnthropicWire.CachedMessageJson, AnthropicWire.CachedMessageEvents));
        using var handler = new TrackingHandler();
        using var client = AnthropicArm.CreateChatClient("claude-sonnet-4-5", "sk-ant-test", new AnthropicProviderOptions { Endpoint = server.BaseAddress, HttpMessageHandler = handler });

        var response = await client.GetResponseAsync(Question);
        var streamed = (await client.GetStreamingResponseAsync(Question).ToListAsync()).ToChatResponse();

        foreach (var usage in new[] { response.Usage!, streamed.Usage! })
        {
            usage.InputTokenCount.Should().Be(2100, "the SDK reports 100 uncached + 1500 cache reads + 500 cache writes");
            usage.CachedInputTokenCount.Should().Be(1500);
            usage.OutputTokenCount.Should().Be(50);
            usage.AdditionalCounts.Should().Contain(BilledTokens.CacheWriteCountKey, 500).And.Contain(BilledTokens.LongCacheWriteCountKey, 300);
            BilledTokens.FromUsage(usage).Should().Be(new BilledTokens(UncachedInput: 100, CachedInput: 1500, CacheWrite: 200, LongCacheWrite: 300, Output: 50));
        }

        streamed.Text.Should().Be("negative");
    }

    [Fact]
    public async Task Without_one_hour_writes_the_usage_is_left_as_the_sdk_made_it()
    {
        await using var server = await LoopbackServer.StartAsync((context, request) => AnthropicWire.WriteAsync(context, request,
            AnthropicWire.CachedMessageJson.Replace("\"ephemeral_5m_input_tokens\":200,\"ephemeral_1h_input_tokens\":300", "\"ephemeral_5m_input_tokens\":500,\"ephemeral_1h_input_tokens\":0", StringComparison.Ordinal),
            AnthropicWire.CachedMessageEvents.Select(e => (e.Event, e.Data.Replace(",\"cache_creation\":{\"ephemeral_5m_input_tokens\":200,\"ephemeral_1h_input_tokens\":300}", string.Empty, StringComparison.Ordinal)))));
        using var handler = new TrackingHandler();
        using var client = AnthropicArm.CreateChatClient("claude-sonnet-4-5", "sk-ant-test", new AnthropicProviderOptions { Endpoint = server.BaseAddress, HttpMessageHandler = handler });

        var response = await client.GetResponseAsync(Question);
        var streamed = (await client.GetStreamingResponseAsync(Question).ToListAsync()).ToChatResponse();

        response.Usage!.AdditionalCounts.Should().NotContainKey(BilledTokens.LongCacheWriteCountKey);
        streamed.Usage!.AdditionalCounts.Should().NotContainKey(BilledTokens.LongCacheWriteCountKey);
        BilledTokens.FromUsage(streamed.Usage).Should().Be(new BilledTokens(100, 1500, CacheWrite: 500, LongCacheWrite: 0, 50));
    }

    [Theory]
    [InlineData("""{"input_tokens":1,"output_tokens":2,"cache_creation":{"ephemeral_5m_input_tokens":3,"ephemeral_1h_input_tokens":7}}""", 7)]
    [InlineData("""{"input_tokens":1,"output_tokens":2}""", 0)]
    [InlineData("""{"input_tokens":1,"output_tokens":2,"cache_creation":null}""", 0)]
    [InlineData("""{"input_tokens":1,"output_tokens":2,"cache_creation":{"ephemeral_5m_input_tokens":3}}""", 0)]
    [InlineData("""{"input_tokens":1,"output_tokens":2,"cache_creation":{"ephemeral_1h_input_tokens":"many"}}""", 0)]
    public void A_missing_or_malformed_one_hour_count_is_read_as_none_rather_than_failing_the_answer(string usage, long expected)
    {
        var raw = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(usage)!;

        AnthropicCacheUsageChatClient.LongCacheWrites(() => global::Anthropic.Models.Messages.Usage.FromRawUnchecked(raw)).Should().Be(expected);
    }
}
