using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.EventStreams;
using Amazon.Runtime.EventStreams.Internal;
using Microsoft.Extensions.AI;

namespace MetaLlm.Providers;

/// <summary>
/// An <see cref="IChatClient"/> for Amazon Bedrock (Titan, Nova, Claude, Llama, Mistral and other models) over the
/// Bedrock Runtime Converse API, signed with Signature Version 4 or authorised with a Bedrock API key.
/// </summary>
/// <remarks>
/// Text and reasoning content are mapped; tools and images are not sent. Every failure surfaces as a
/// <see cref="ProviderException"/>, except the caller's own cancellation, which surfaces as
/// <see cref="OperationCanceledException"/>.
/// </remarks>
public sealed class BedrockChatClient : IChatClient
{
    /// <summary>The provider name used in metadata and exceptions.</summary>
    public const string ProviderName = "aws.bedrock";

    private const string SigningService = "bedrock";
    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly HttpClient _http;
    private readonly string _modelId;
    private readonly Uri _endpoint;
    private readonly string _region;
    private readonly string? _apiKey;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;
    private readonly ChatClientMetadata _metadata;
    private AWSCredentials? _credentials;

    /// <summary>Initializes a new instance of the <see cref="BedrockChatClient"/> class.</summary>
    /// <param name="modelId">The model id or inference profile id or ARN, for example <c>amazon.nova-micro-v1:0</c>.</param>
    /// <param name="options">Region, endpoint and credentials, or <see langword="null"/> to take them all from the environment.</param>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">No region is given and none is configured in the environment.</exception>
    public BedrockChatClient(string modelId, BedrockProviderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        options ??= new BedrockProviderOptions();
        options.Validate();
        _modelId = modelId;
        _timeout = options.Timeout;
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _credentials = options.Credentials;
        _apiKey = !string.IsNullOrWhiteSpace(options.ApiKey)
            ? options.ApiKey
            : options.Credentials is null ? NullIfBlank(Environment.GetEnvironmentVariable(BedrockProviderOptions.ApiKeyEnvironmentVariable)) : null;
        _region = options.Region
            ?? FallbackRegionFactory.GetRegionEndpoint(includeInstanceMetadata: false)?.SystemName
            ?? throw new InvalidOperationException(
                $"No AWS region for Bedrock model '{modelId}': set {nameof(BedrockProviderOptions)}.{nameof(BedrockProviderOptions.Region)}, or the AWS_REGION environment variable.");
        _endpoint = options.Endpoint ?? new Uri($"https://bedrock-runtime.{_region}.{RegionEndpoint.GetBySystemName(_region).PartitionDnsSuffix}");
        _http = options.CreateHttpClient();
        _metadata = new ChatClientMetadata(ProviderName, _endpoint, _modelId);
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        string modelId = options?.ModelId ?? _modelId;
        using var scope = new ProviderCallScope(_timeout, _timeProvider, cancellationToken);
        try
        {
            using var request = await CreateRequestAsync(modelId, "converse", messages, options, scope.Token).ConfigureAwait(false);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, scope.Token).ConfigureAwait(false);
            await ThrowIfFailedAsync(response, modelId, scope.Token).ConfigureAwait(false);
            RequireContentType(response, modelId, "application/json");

            string requestId = RequestId(response);
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(scope.Token).ConfigureAwait(false), default, scope.Token).ConfigureAwait(false);
            var root = document.RootElement;
            var message = new ChatMessage(ChatRole.Assistant, BedrockConverseResponse.Contents(root)) { MessageId = requestId };
            return new ChatResponse(message)
            {
                ResponseId = requestId,
                ModelId = modelId,
                CreatedAt = _timeProvider.GetUtcNow(),
                FinishReason = BedrockConverseResponse.FinishReason(JsonFields.String(root, "stopReason")),
                Usage = BedrockConverseResponse.Usage(root),
                RawRepresentation = root.Clone(),
            };
        }
        catch (Exception ex) when (Translate(ex, scope, modelId) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        string modelId = options?.ModelId ?? _modelId;
        using var scope = new ProviderCallScope(_timeout, _timeProvider, cancellationToken);
        HttpResponseMessage response;
        try
        {
            using var request = await CreateRequestAsync(modelId, "converse-stream", messages, options, scope.Token).ConfigureAwait(false);
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, scope.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, scope, modelId) is { } translated)
        {
            throw translated;
        }

        using (response)
        {
            IAsyncEnumerator<EventStreamMessage> frames;
            try
            {
                await ThrowIfFailedAsync(response, modelId, scope.Token).ConfigureAwait(false);
                RequireContentType(response, modelId, BedrockEventStreamReader.ContentType);
                var body = await response.Content.ReadAsStreamAsync(scope.Token).ConfigureAwait(false);
                frames = BedrockEventStreamReader.ReadAsync(body, scope.Token).GetAsyncEnumerator(scope.Token);
            }
            catch (Exception ex) when (Translate(ex, scope, modelId) is { } translated)
            {
                throw translated;
            }

            string requestId = RequestId(response);
            bool finished = false;
            await using (frames.ConfigureAwait(false))
            {
                while (true)
                {
                    ChatResponseUpdate? update;
                    try
                    {
                        if (!await frames.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }

                        update = ToUpdate(frames.Current, modelId, requestId, ref finished);
                    }
                    catch (Exception ex) when (Translate(ex, scope, modelId) is { } translated)
                    {
                        throw translated;
                    }

                    scope.Restart();
                    if (update is not null)
                    {
                        yield return update;
                    }
                }
            }

            if (!finished)
            {
                throw new ProviderException(ProviderName, modelId, ProviderErrorKind.MalformedResponse, isTransient: true,
                    "The event stream ended before the messageStop event: the answer is incomplete.");
            }
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Releases the HTTP client (a handler given in the options is left alive).</summary>
    public void Dispose() => _http.Dispose();

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-amzn-RequestId", out var values) ? values.First() : Guid.NewGuid().ToString("N");

    private static void RequireContentType(HttpResponseMessage response, string modelId, string expected)
    {
        string? mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(mediaType, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw ResponseContentTypeHandler.Refusal(ProviderName, modelId, mediaType, (int)response.StatusCode);
        }
    }

    private async Task<HttpRequestMessage> CreateRequestAsync(string modelId, string operation, IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        byte[] body = BedrockConverseRequest.Write(messages, options);
        var uri = new Uri(_endpoint, $"{_endpoint.AbsolutePath.TrimEnd('/')}/model/{Uri.EscapeDataString(modelId)}/{operation}");
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(operation == "converse" ? "application/json" : BedrockEventStreamReader.ContentType));
        try
        {
            if (_apiKey is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
            }
            else
            {
                var credentials = await ResolveCredentialsAsync(modelId, cancellationToken).ConfigureAwait(false);
                SigV4Signer.Sign(request, body, credentials, _region, SigningService, _timeProvider.GetUtcNow().UtcDateTime);
            }
        }
        catch
        {
            request.Dispose();
            throw;
        }

        return request;
    }

    private async Task<ImmutableCredentials> ResolveCredentialsAsync(string modelId, CancellationToken cancellationToken)
    {
        try
        {
            _credentials ??= await new DefaultAWSCredentialsIdentityResolver().ResolveIdentityAsync(null!, cancellationToken).ConfigureAwait(false);
            return await _credentials.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (AmazonClientException ex)
        {
            throw new ProviderException(ProviderName, modelId, ProviderErrorKind.Unauthorized, isTransient: false,
                $"No AWS credentials were found: set {BedrockProviderOptions.ApiKeyEnvironmentVariable}, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE.", innerException: ex);
        }
    }

    private async Task ThrowIfFailedAsync(HttpResponseMessage response, string modelId, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string body = await ReadLimitedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        string? errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.First().Split(':')[0] : null;
        throw ProviderErrorClassifier.FromStatus(
            ProviderName, modelId, (int)response.StatusCode, errorType, BedrockConverseResponse.ErrorMessage(body),
            ProviderErrorClassifier.ParseRetryAfter(response.Headers, _timeProvider));
    }

    private static async Task<string> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxErrorBodyBytes];
        int total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private ChatResponseUpdate? ToUpdate(EventStreamMessage frame, string modelId, string requestId, ref bool finished)
    {
        string? messageType = BedrockEventStreamReader.Header(frame, ":message-type");
        if (messageType == "exception")
        {
            throw StreamException(modelId, BedrockEventStreamReader.Header(frame, ":exception-type") ?? "unknownException", frame.Payload);
        }

        if (messageType == "error")
        {
            throw new ProviderException(ProviderName, modelId, ProviderErrorKind.ServerError, isTransient: true,
                BedrockEventStreamReader.Header(frame, ":error-message") ?? "The stream reported an error.",
                errorCode: BedrockEventStreamReader.Header(frame, ":error-code"));
        }

        if (messageType != "event")
        {
            throw new JsonException($"Unknown event-stream message type '{messageType}'.");
        }

        string? eventType = BedrockEventStreamReader.Header(frame, ":event-type");
        using var document = JsonDocument.Parse(frame.Payload);
        var payload = document.RootElement;
        List<AIContent> contents = [];
        ChatFinishReason? finishReason = null;
        switch (eventType)
        {
            case "contentBlockDelta":
                if (BedrockConverseResponse.Delta(payload) is { } delta)
                {
                    contents.Add(delta);
                }

                break;
            case "messageStop":
                finished = true;
                finishReason = BedrockConverseResponse.FinishReason(JsonFields.String(payload, "stopReason"));
                break;
            case "metadata":
                if (BedrockConverseResponse.Usage(payload) is { } usage)
                {
                    contents.Add(new UsageContent(usage));
                }

                break;
            default:
                return null; // messageStart, contentBlockStart, contentBlockStop carry nothing to show.
        }

        if (contents.Count == 0 && finishReason is null)
        {
            return null;
        }

        return new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = requestId,
            MessageId = requestId,
            ModelId = modelId,
            CreatedAt = _timeProvider.GetUtcNow(),
            FinishReason = finishReason,
        };
    }

    private static ProviderException StreamException(string modelId, string exceptionType, byte[] payload)
    {
        string? message = BedrockConverseResponse.ErrorMessage(Encoding.UTF8.GetString(payload));
        (ProviderErrorKind kind, bool transient, HttpStatusCode? status) = exceptionType switch
        {
            "throttlingException" => (ProviderErrorKind.RateLimited, true, HttpStatusCode.TooManyRequests),
            "internalServerException" => (ProviderErrorKind.ServerError, true, HttpStatusCode.InternalServerError),
            "serviceUnavailableException" => (ProviderErrorKind.ServerError, true, HttpStatusCode.ServiceUnavailable),
            "modelStreamErrorException" => (ProviderErrorKind.ServerError, true, (HttpStatusCode?)null),
            "validationException" => (ProviderErrorKind.InvalidRequest, false, HttpStatusCode.BadRequest),
            _ => (ProviderErrorKind.ServerError, false, (HttpStatusCode?)null),
        };
        return new ProviderException(ProviderName, modelId, kind, transient,
            "The stream was interrupted by an exception" + (message is null ? "." : ": " + ProviderErrorClassifier.Truncate(message)),
            status, exceptionType);
    }

    /// <summary>Maps a failure, or returns <see langword="null"/> to let it pass unchanged (the caller's own cancellation, or one already mapped).</summary>
    private ProviderException? Translate(Exception exception, ProviderCallScope scope, string modelId)
    {
        if (exception is ProviderException || (exception is OperationCanceledException && scope.CallerToken.IsCancellationRequested))
        {
            return null;
        }

        if (scope.TimedOut)
        {
            return new ProviderException(ProviderName, modelId, ProviderErrorKind.Timeout, isTransient: true,
                $"No answer within {_timeout.TotalSeconds:0.###} s.", innerException: exception);
        }

        return exception switch
        {
            EventStreamChecksumFailureException or EventStreamParseException or EventStreamValidationException or EventStreamDecoderIllegalStateException =>
                new ProviderException(ProviderName, modelId, ProviderErrorKind.MalformedResponse, isTransient: false,
                    "An event-stream frame is corrupt (checksum or framing error).", innerException: exception),
            EndOfStreamException => new ProviderException(ProviderName, modelId, ProviderErrorKind.MalformedResponse, isTransient: true,
                "The event stream ended inside a frame.", innerException: exception),
            JsonException => new ProviderException(ProviderName, modelId, ProviderErrorKind.MalformedResponse, isTransient: false,
                "The response is not the JSON the Converse API returns.", innerException: exception),
            HttpRequestException or IOException => new ProviderException(ProviderName, modelId, ProviderErrorKind.Network, isTransient: true,
                "The connection failed or broke before the answer was complete.", innerException: exception),
            OperationCanceledException => new ProviderException(ProviderName, modelId, ProviderErrorKind.Timeout, isTransient: true,
                "The HTTP stack gave up waiting for the answer.", innerException: exception),
            _ => null,
        };
    }
}
