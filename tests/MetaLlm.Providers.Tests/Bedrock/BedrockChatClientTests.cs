using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using static MetaLlm.Providers.Tests.Bedrock.BedrockTestServer;

namespace MetaLlm.Providers.Tests.Bedrock;

public sealed class BedrockChatClientTests
{
    private const string TitanId = "amazon.titan-text-express-v1";
    private const string NovaId = "amazon.nova-micro-v1:0";

    private static readonly ChatMessage[] Question =
    [
        new(ChatRole.System, "Answer with one word."),
        new(ChatRole.User, "I loved this film."),
    ];

    [Fact]
    public async Task Converse_sends_a_signed_request_with_mapped_options_and_reads_text_usage_and_stop_reason()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) =>
            WriteAsync(context, 200, "application/json", ConverseJson, ("x-amzn-RequestId", "req-1")));
        using var handler = new TrackingHandler();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 19, 0, 0, TimeSpan.Zero));
        using var client = new BedrockChatClient(NovaId, Options(server, handler, time));
        var options = new ChatOptions
        {
            Instructions = "Classify sentiment.",
            MaxOutputTokens = 5,
            Temperature = 0.5f,
            TopP = 0.9f,
            StopSequences = ["\n"],
            AdditionalProperties = new() { ["metallm.arm"] = "nova", ["metallm.decision_id"] = "d1", ["custom_field"] = 7 },
        };

        var response = await client.GetResponseAsync(Question, options);

        response.Text.Should().Be("positive");
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.Usage!.InputTokenCount.Should().Be(1234);
        response.Usage.OutputTokenCount.Should().Be(56);
        response.Usage.TotalTokenCount.Should().Be(1290);
        response.ResponseId.Should().Be("req-1");
        response.ModelId.Should().Be(NovaId);
        handler.OpenResponses.Should().Be(0);

        var request = server.Requests.Single();
        request.RawTarget.Should().Be("/model/amazon.nova-micro-v1%3A0/converse");
        SigV4Verifier.Verify(request, AccessKey, SecretKey, Region, "bedrock").Should().Be((true, "ok"));
        request.Headers["X-Amz-Date"].Should().Be("20261125T190000Z");
        var body = request.Json;
        body.GetProperty("system").EnumerateArray().Select(s => s.GetProperty("text").GetString())
            .Should().Equal("Classify sentiment.", "Answer with one word.");
        body.GetProperty("messages").GetArrayLength().Should().Be(1);
        body.GetProperty("messages")[0].GetProperty("role").GetString().Should().Be("user");
        body.GetProperty("messages")[0].GetProperty("content")[0].GetProperty("text").GetString().Should().Be("I loved this film.");
        var inference = body.GetProperty("inferenceConfig");
        inference.GetProperty("maxTokens").GetInt32().Should().Be(5);
        inference.GetProperty("temperature").GetDouble().Should().BeApproximately(0.5, 1e-6);
        inference.GetProperty("topP").GetDouble().Should().BeApproximately(0.9, 1e-6);
        inference.GetProperty("stopSequences")[0].GetString().Should().Be("\n");
        body.GetProperty("additionalModelRequestFields").GetProperty("custom_field").GetInt32().Should().Be(7);
        request.BodyText.Should().NotContain("metallm");
    }

    [Fact]
    public async Task The_servers_independent_check_rejects_a_request_signed_with_another_secret()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => WriteAsync(context, 200, "application/json", ConverseJson));
        using var handler = new TrackingHandler();
        var options = Options(server, handler);
        options.Credentials = new Amazon.Runtime.BasicAWSCredentials(AccessKey, "not-the-secret");
        using var client = new BedrockChatClient(NovaId, options);

        await client.GetResponseAsync(Question);

        SigV4Verifier.Verify(server.Requests.Single(), AccessKey, SecretKey, Region, "bedrock").Valid.Should().BeFalse();
    }

    [Fact]
    public async Task Converse_uses_the_model_id_of_the_options_and_a_bedrock_api_key_when_given()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => WriteAsync(context, 200, "application/json", ConverseJson));
        using var handler = new TrackingHandler();
        var options = Options(server, handler);
        options.Credentials = null;
        options.ApiKey = "bedrock-api-key-123";
        using var client = new BedrockChatClient(TitanId, options);

        await client.GetResponseAsync(Question, new ChatOptions { ModelId = "meta.llama3-1-8b-instruct-v1:0" });

        var request = server.Requests.Single();
        request.RawTarget.Should().Be("/model/meta.llama3-1-8b-instruct-v1%3A0/converse");
        request.Headers["Authorization"].Should().Be("Bearer bedrock-api-key-123");
        request.Headers.Should().NotContainKey("X-Amz-Date");
    }

    [Fact]
    public void Metadata_names_the_provider_endpoint_and_model()
    {
        using var client = new BedrockChatClient(TitanId, new BedrockProviderOptions { Region = "eu-west-1", ApiKey = "k" });

        var metadata = client.GetService<ChatClientMetadata>()!;

        metadata.ProviderName.Should().Be("aws.bedrock");
        metadata.ProviderUri.Should().Be(new Uri("https://bedrock-runtime.eu-west-1.amazonaws.com"));
        metadata.DefaultModelId.Should().Be(TitanId);
    }

    [Fact]
    public async Task ConverseStream_decodes_event_stream_frames_into_text_deltas_usage_and_stop_reason()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => WriteFramesAsync(context,
            EventStreamFrames.Event("messageStart", """{"role":"assistant"}"""),
            EventStreamFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"posi"}}"""),
            EventStreamFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"tive"}}"""),
            EventStreamFrames.Event("contentBlockStop", """{"contentBlockIndex":0}"""),
            EventStreamFrames.Event("messageStop", """{"stopReason":"max_tokens"}"""),
            EventStreamFrames.Event("metadata", """{"usage":{"inputTokens":20,"outputTokens":2,"totalTokens":22},"metrics":{"latencyMs":5}}""")));
        using var handler = new TrackingHandler();
        using var client = new BedrockChatClient(TitanId, Options(server, handler));

        var updates = await client.GetStreamingResponseAsync(Question).ToListAsync();
        var response = updates.ToChatResponse();

        response.Text.Should().Be("positive");
        response.FinishReason.Should().Be(ChatFinishReason.Length);
        response.Usage!.InputTokenCount.Should().Be(20);
        response.Usage.OutputTokenCount.Should().Be(2);
        updates.Should().OnlyContain(u => u.ResponseId == "req-stream-1");
        handler.OpenResponses.Should().Be(0);
        var request = server.Requests.Single();
        request.RawTarget.Should().Be("/model/amazon.titan-text-express-v1/converse-stream");
        SigV4Verifier.Verify(request, AccessKey, SecretKey, Region, "bedrock").Should().Be((true, "ok"));
    }

    [Fact]
    public async Task ConverseStream_turns_an_exception_frame_mid_stream_into_a_transient_provider_exception()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => WriteFramesAsync(context,
            EventStreamFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"pos"}}"""),
            EventStreamFrames.Exception("throttlingException", """{"message":"Too many tokens, please wait."}""")));
        using var handler = new TrackingHandler();
        using var client = new BedrockChatClient(TitanId, Options(server, handler));
        var received = new List<string>();

        var act = async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Question))
            {
                received.Add(update.Text);
            }
        };

        var error = (await act.Should().ThrowAsync<ProviderException>()).Which;
        received.Should().Equal("pos");
        error.Provider.Should().Be("aws.bedrock");
        error.ModelId.Should().Be(TitanId);
        error.Kind.Should().Be(ProviderErrorKind.RateLimited);
        error.IsTransient.Should().BeTrue();
        error.ErrorCode.Should().Be("throttlingException");
        error.Message.Should().Contain("Too many tokens");
        handler.OpenResponses.Should().Be(0);
    }

    [Fact]
    public async Task ConverseStream_rejects_a_frame_whose_crc_is_wrong()
    {
        byte[] corrupt = EventStreamFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"pos"}}""");
        corrupt[^6] ^= 0x20; // a payload byte: the message CRC no longer matches
        await using var server = await LoopbackServer.StartAsync((context, _) => WriteFramesAsync(context, corrupt));
        using var handler = new TrackingHandler();
        using var client = new BedrockChatClient(TitanId, Options(server, handler));

        var error = await Assert.ThrowsAsync<ProviderException>(async () => await client.GetStreamingResponseAsync(Question).ToListAsync());

        error.Kind.Should().Be(ProviderErrorKind.MalformedResponse);
        error.IsTransient.Should().BeFalse();
        handler.OpenResponses.Should().Be(0);
    }

    [Fact]
    public async Task ConverseStream_reports_a_stream_cut_inside_a_frame_as_incomplete()
    {
        byte[] whole = EventStreamFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"pos"}}""");
        await using var server = await LoopbackServer.StartAsync((context, _) => WriteFramesAsync(context, whole, whole[..20]));
        using var handler = new TrackingHandler();
        using var client = new BedrockChatClient(TitanId, Options(server, handler));

        var error = await Assert.ThrowsAsync<ProviderException>(async () => await client.GetStreamingResponseAsync(Question).ToListAsync());

        error.Kind.Should().Be(ProviderErrorKind.MalformedResponse);
        error.IsTransient.Should().BeTrue();
        handler.OpenResponses.Should().Be(0);
    }

    [Fact]
    public async Task ConverseStream_reports_a_stream_that_ends_before_message_stop()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => WriteFramesAsync(context,
            EventStreamFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"pos"}}""")));
        using var handler = new TrackingHandler();
        using var client = new BedrockChatClient(TitanId, Options(server, handler));

        var error = await Assert.ThrowsAsync<ProviderException>(async () => await client.GetStreamingResponseAsync(Question).ToListAsync());

        error.Kind.Should().Be(ProviderErrorKind.MalformedResponse);
        error.Message.Should().Contain("messageStop");
    }

    [Fact]
    public async Task Throttling_with_retry_after_is_transient_and_says_how_long_to_wait()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => WriteAsync(context, 429, "application/json",
            """{"message":"Too many requests, please wait before trying again."}""",
            ("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"), ("Retry-After", "7")));
        using var handler = new TrackingHandler();
        using var client = new BedrockChatClient(TitanId, Options(server, handler));

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(Question));

        error.Kind.Should().Be(ProviderErrorKind.RateLimited);
        error.IsTransient.Should().BeTrue();
        error.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        error.ErrorCode.Should().Be("ThrottlingException");
        error.RetryAfter.Should().Be(TimeSpan.FromSeconds(7));
        error.Message.Should().Contain("aws.bedrock").And.Contain(TitanId).And.Contain("Retrying may help");
        handler.OpenResponses.Should().Be(0);
    }

    [Theory]
    [InlineData(500, "InternalServerException", ProviderErrorKind.ServerError, true)]
    [InlineData(503, "ServiceUnavailableException", ProviderErrorKind.ServerError, true)]
    [InlineData(400, "ValidationException", ProviderErrorKind.InvalidRequest, false)]
    [InlineData(403, "AccessDeniedException", ProviderErrorKind.Unauthorized, false)]
    public async Task Http_errors_become_provider_exceptions_that_say_whether_retrying_helps(int status, string errorType, ProviderErrorKind kind, bool transient)
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => WriteAsync(context, status, "application/json",
            """{"message":"it failed"}""", ("x-amzn-ErrorType", errorType)));
        using var handler = new TrackingHandler();
        using var client = new BedrockChatClient(TitanId, Options(server, handler));

        var error = await Assert.ThrowsAsync<ProviderException>(async () => await client.GetStreamingResponseAsync(Question).ToListAsync());

        error.Kind.Should().Be(kind);
        error.IsTransient.Should().Be(transient);
        error.StatusCode.Should().Be((HttpStatusCode)status);
        error.ErrorCode.Should().Be(errorType);
        error.RetryAfter.Should().BeNull();
        handler.OpenResponses.Should().Be(0);
    }

    [Fact]
    public async Task Truncated_json_is_a_malformed_response()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) =>
            WriteAsync(context, 200, "application/json", ConverseJson[..60]));
        using var handler = new TrackingHandler();
        using var client = new BedrockChatClient(TitanId, Options(server, handler));

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(Question));

        error.Kind.Should().Be(ProviderErrorKind.MalformedResponse);
        error.InnerException.Should().BeAssignableTo<JsonException>();
        handler.OpenResponses.Should().Be(0);
    }

    [Fact]
    public async Task A_wrong_content_type_is_a_malformed_response_and_is_not_read()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) =>
            WriteAsync(context, 200, "text/html", "<html><body>Sign in to the proxy</body></html>"));
        using var handler = new TrackingHandler();
        using var client = new BedrockChatClient(TitanId, Options(server, handler));

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(Question));

        error.Kind.Should().Be(ProviderErrorKind.MalformedResponse);
        error.Message.Should().Contain("text/html");
        handler.OpenResponses.Should().Be(0);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_a_transient_timeout_measured_on_the_injected_clock()
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
        var options = Options(server, handler, time);
        options.Timeout = TimeSpan.FromSeconds(30);
        using var client = new BedrockChatClient(TitanId, options);

        var call = client.GetResponseAsync(Question);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(29));
        call.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(1));
        var error = await Assert.ThrowsAsync<ProviderException>(() => call);
        release.SetResult();

        error.Kind.Should().Be(ProviderErrorKind.Timeout);
        error.IsTransient.Should().BeTrue();
        error.StatusCode.Should().BeNull();
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
        using var client = new BedrockChatClient(TitanId, Options(server, handler));
        using var cancellation = new CancellationTokenSource();

        var call = client.GetResponseAsync(Question, cancellationToken: cancellation.Token);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        release.SetResult();
        handler.OpenResponses.Should().Be(0);
    }
}
