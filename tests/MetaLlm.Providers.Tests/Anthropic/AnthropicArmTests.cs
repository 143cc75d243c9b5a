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
}
