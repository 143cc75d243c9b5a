using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace MetaLlm.WebApi.Arms;

/// <summary>
/// An in-process stand-in for a model: it answers well the questions its skill covers and vaguely the others, always
/// the same way for the same question, and reports the tokens it "used" so the router can price it.
/// </summary>
internal sealed class FakeChatModel : IChatClient
{
    private readonly FakeModelProfile _profile;
    private readonly ChatClientMetadata _metadata;

    public FakeChatModel(FakeModelProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        _profile = profile;
        _metadata = new ChatClientMetadata("fake", defaultModelId: profile.ModelId);
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var request = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        string question = request.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
        bool skilled = _profile.IsGoodAt(question);
        string text = skilled ? _profile.GoodAnswer(question) : _profile.VagueAnswer;

        // About four characters a token, as the router's own input estimate assumes; a few tokens of framing per message.
        long input = request.Sum(m => (long)m.Text.Length) / 4 + 4 * request.Count;
        long output = text.Length / 4 + 1;
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = options?.ModelId ?? _profile.ModelId,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output },
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }
}
