using System.Net;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using static MetaLlm.Providers.Tests.OpenAI.OpenAIWire;

namespace MetaLlm.Providers.Tests.OpenAI;

public sealed class OpenAIArmTests
{
    private static readonly ChatMessage[] Question = [new(ChatRole.User, "The plot made no sense.")];

    private static IChatClient Client(LoopbackServer server, HttpMessageHandler handler, TimeProvider? time = null, TimeSpan? timeout = null) =>
        OpenAIArm.CreateChatClient("gpt-4o-mini", "sk-test-key", new OpenAIProviderOptions
        {
            Endpoint = new Uri(server.BaseAddress, "/v1/"),
            HttpMessageHandler = handler,
            TimeProvider = time,
            Timeout = timeout ?? ProviderOptions.DefaultTimeout,
        });

    [Fact]
    public async Task Chat_completion_is_sent_to_the_endpoint_and_its_text_and_usage_are_read()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => WriteJsonAsync(context, 200, CompletionJson));
        using var handler = new TrackingHandler();
        using var client = Client(server, handler);

        var response = await client.GetResponseAsync(Question, new ChatOptions
        {
            MaxOutputTokens = 3,
            AdditionalProperties = new() { ["metallm.arm"] = "gpt" },
        });

        response.Text.Should().Be("negative");
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.Usage!.InputTokenCount.Should().Be(1000);
        response.Usage.OutputTokenCount.Should().Be(250);
        var request = server.Requests.Single();
        request.RawTarget.Should().Be("/v1/chat/completions");
        request.Headers["Authorization"].Should().Be("Bearer sk-test-key");
        request.Json.GetProperty("model").GetString().Should().Be("gpt-4o-mini");
        request.Json.GetProperty("messages")[0].GetProperty("content").ToString().Should().Contain("The plot made no sense.");
        request.BodyText.Should().NotContain("metallm");
        handler.OpenResponses.Should().Be(0);
    }

    [Fact]
    public async Task Streamed_chat_completion_yields_deltas_and_the_usage_of_the_last_chunk()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => WriteEventsAsync(context));
        using var handler = new TrackingHandler();
        using var client = Client(server, handler);

        var updates = await client.GetStreamingResponseAsync(Question).ToListAsync();
        var response = updates.ToChatResponse();

        response.Text.Should().Be("negative");
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.Usage!.InputTokenCount.Should().Be(40);
        response.Usage.OutputTokenCount.Should().Be(2);
        updates.Last().Contents.OfType<UsageContent>().Should().ContainSingle();
        server.Requests.Single().Json.GetProperty("stream").GetBoolean().Should().BeTrue();
        handler.OpenResponses.Should().Be(0);
    }

    [Fact]
    public async Task Throttling_with_retry_after_is_transient_with_the_wait()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => WriteJsonAsync(context, 429,
            """{"error":{"message":"Rate limit reached for gpt-4o-mini.","type":"requests","code":"rate_limit_exceeded"}}""",
            headers: ("Retry-After", "12")));
        using var handler = new TrackingHandler();
        using var client = Client(server, handler);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(Question));

        error.Provider.Should().StartWith("openai");
        error.ModelId.Should().Be("gpt-4o-mini");
        error.Kind.Should().Be(ProviderErrorKind.RateLimited);
        error.IsTransient.Should().BeTrue();
        error.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        error.ErrorCode.Should().Be("rate_limit_exceeded");
        error.RetryAfter.Should().Be(TimeSpan.FromSeconds(12));
        server.Requests.Should().ContainSingle("the SDK's own retries are off so the router can fail over at once");
    }

    [Theory]
    [InlineData(500, ProviderErrorKind.ServerError, true)]
    [InlineData(401, ProviderErrorKind.Unauthorized, false)]
    [InlineData(404, ProviderErrorKind.InvalidRequest, false)]
    public async Task Http_errors_become_provider_exceptions(int status, ProviderErrorKind kind, bool transient)
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => WriteJsonAsync(context, status,
            """{"error":{"message":"failed","type":"server_error","code":null}}"""));
        using var handler = new TrackingHandler();
        using var client = Client(server, handler);

        var error = await Assert.ThrowsAsync<ProviderException>(async () => await client.GetStreamingResponseAsync(Question).ToListAsync());

        error.Kind.Should().Be(kind);
        error.IsTransient.Should().Be(transient);
        error.StatusCode.Should().Be((HttpStatusCode)status);
    }

    [Fact]
    public async Task Truncated_json_is_a_malformed_response()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => WriteJsonAsync(context, 200, CompletionJson[..80]));
        using var handler = new TrackingHandler();
        using var client = Client(server, handler);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(Question));

        error.Kind.Should().Be(ProviderErrorKind.MalformedResponse);
        error.IsTransient.Should().BeFalse();
    }

    [Fact]
    public async Task A_wrong_content_type_is_a_malformed_response_and_is_not_read()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => WriteJsonAsync(context, 200, "<html>proxy login</html>", "text/html"));
        using var handler = new TrackingHandler();
        using var client = Client(server, handler);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(Question));

        error.Kind.Should().Be(ProviderErrorKind.MalformedResponse);
        error.Message.Should().Contain("text/html");
        handler.OpenResponses.Should().Be(0);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_a_transient_timeout_on_the_injected_clock()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            arrived.TrySetResult();
            await release.Task;
        });
        using var handler = new TrackingHandler();
        var time = new FakeTimeProvider();
        using var client = Client(server, handler, time, TimeSpan.FromSeconds(20));

        var call = client.GetResponseAsync(Question);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(20));
        var error = await Assert.ThrowsAsync<ProviderException>(() => call);
        release.SetResult();

        error.Kind.Should().Be(ProviderErrorKind.Timeout);
        error.IsTransient.Should().BeTrue();
    }

    [Fact]
    public async Task The_callers_cancellation_stays_a_cancellation()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            arrived.TrySetResult();
            await release.Task;
        });
        using var handler = new TrackingHandler();
        using var client = Client(server, handler);
        using var cancellation = new CancellationTokenSource();

        var call = client.GetResponseAsync(Question, cancellationToken: cancellation.Token);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancellation.CancelAsync();

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => call);
        release.SetResult();
        thrown.Should().BeAssignableTo<OperationCanceledException>();
    }
}
