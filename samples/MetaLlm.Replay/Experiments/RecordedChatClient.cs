using System.Runtime.CompilerServices;
using MetaLlm.Replay.DatasetReaders;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.Experiments;

/// <summary>
/// A model that answers with what it was recorded answering: the recorded response (or an empty one) and the
/// recorded or estimated usage. The request names its query through <see cref="ReplayQuery.OptionsKey"/>.
/// </summary>
internal sealed class RecordedChatClient : IChatClient
{
    private readonly int _arm;
    private readonly ChatClientMetadata _metadata;

    public RecordedChatClient(int arm, string modelName)
    {
        _arm = arm;
        _metadata = new ChatClientMetadata("metallm-replay", defaultModelId: modelName);
        ModelName = modelName;
    }

    public string ModelName { get; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var query = FindQuery(options);
        var usage = query.Usage[_arm];
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, query.Outcomes[_arm].Response ?? string.Empty))
        {
            ModelId = ModelName,
            Usage = new UsageDetails
            {
                InputTokenCount = usage.InputTokens,
                OutputTokenCount = usage.OutputTokens,
                TotalTokenCount = usage.InputTokens + usage.OutputTokens,
            },
        };
        return Task.FromResult(response);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    private ReplayQuery FindQuery(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(ReplayQuery.OptionsKey, out object? value) == true && value is ReplayQuery query
            ? query
            : throw new InvalidOperationException($"The recorded model '{ModelName}' can only answer requests that carry their recorded query in ChatOptions.AdditionalProperties[\"{ReplayQuery.OptionsKey}\"].");
}
