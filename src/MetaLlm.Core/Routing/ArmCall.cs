using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>
/// Calls the chosen arm with the request. The arm receives its own model id in place of the caller's (the router,
/// not the caller, chooses the model), and never the router's own <c>metallm.*</c> options; the caller's options
/// are never mutated.
/// </summary>
internal static class ArmCall
{
    public static async Task<ChatResponse> GetResponseAsync(RouterArm arm, IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        await arm.Client.GetResponseAsync(messages, ForArm(options, arm), cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Arm '{arm.Name}' returned no response.");

    /// <summary>Opens the arm's stream with the options it should see.</summary>
    public static IAsyncEnumerator<ChatResponseUpdate> OpenStream(RouterArm arm, IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        (arm.Client.GetStreamingResponseAsync(messages, ForArm(options, arm), cancellationToken)
            ?? throw new InvalidOperationException($"Arm '{arm.Name}' returned no response stream.")).GetAsyncEnumerator(cancellationToken);

    /// <summary>Returns the options the arm should see: the caller's, unchanged when they already fit, or a changed clone.</summary>
    internal static ChatOptions? ForArm(ChatOptions? options, RouterArm arm)
    {
        if (options is null)
        {
            return arm.ModelId is null ? null : new ChatOptions { ModelId = arm.ModelId };
        }

        bool hasRouterProperties = HasRouterProperties(options.AdditionalProperties);
        if (!hasRouterProperties && string.Equals(options.ModelId, arm.ModelId, StringComparison.Ordinal))
        {
            return options;
        }

        var clone = options.Clone();
        clone.ModelId = arm.ModelId;
        if (hasRouterProperties)
        {
            var kept = new AdditionalPropertiesDictionary();
            foreach (var (key, value) in options.AdditionalProperties!)
            {
                if (!IsRouterProperty(key))
                {
                    kept[key] = value;
                }
            }

            clone.AdditionalProperties = kept.Count > 0 ? kept : null;
        }

        return clone;
    }

    private static bool HasRouterProperties(AdditionalPropertiesDictionary? properties)
    {
        if (properties is not { Count: > 0 })
        {
            return false;
        }

        foreach (var key in properties.Keys)
        {
            if (IsRouterProperty(key))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsRouterProperty(string key) => key.StartsWith(MetaLlmPropertyNames.Prefix, StringComparison.OrdinalIgnoreCase);
}
