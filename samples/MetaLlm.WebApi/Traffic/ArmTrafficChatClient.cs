using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace MetaLlm.WebApi.Traffic;

/// <summary>Records in <see cref="ArmTraffic"/> which arm answered each routed response, streamed or not.</summary>
internal sealed class ArmTrafficChatClient(IChatClient innerClient, ArmTraffic traffic) : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        if (response.GetArmName() is { } arm)
        {
            traffic.Record(arm);
        }

        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        bool counted = false;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            // The router names the arm on the first update of a stream.
            if (!counted && update.AdditionalProperties?.TryGetValue(MetaLlmPropertyNames.ArmName, out string? arm) == true && arm is not null)
            {
                traffic.Record(arm);
                counted = true;
            }

            yield return update;
        }
    }
}
