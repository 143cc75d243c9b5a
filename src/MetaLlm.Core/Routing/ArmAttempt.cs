using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>
/// Calls the chosen arm with the request. The arm receives its own model id in place of the caller's (the router,
/// not the caller, chooses the model), and never the router's own <c>metallm.*</c> options; the caller's options
/// are never mutated.
/// </summary>
internal static class ArmAttempt
{
    public static async Task<ChatResponse> GetResponseAsync(RouterArm arm, IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        await arm.Client.GetResponseAsync(messages, ForArm(options, arm), cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Arm '{arm.Name}' returned no response.");

    /// <summary>
    /// Streams the arm's answer, letting <paramref name="reporter"/> annotate each update. However the stream ends
    /// (completed, failed, or abandoned by the caller), the decision stops waiting for it.
    /// </summary>
    public static async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        RouterArm arm,
        IReadOnlyList<ChatMessage> messages,
        ChatOptions? options,
        PendingDecision decision,
        DecisionReporter reporter,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IAsyncEnumerator<ChatResponseUpdate> updates;
        try
        {
            updates = (arm.Client.GetStreamingResponseAsync(messages, ForArm(options, arm), cancellationToken)
                ?? throw new InvalidOperationException($"Arm '{arm.Name}' returned no response stream.")).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex)
        {
            reporter.Fail(decision, ex, cancellationToken);
            throw;
        }

        UsageDetails? usage = null;
        bool first = true;
        bool ended = false;
        try
        {
            await using (updates.ConfigureAwait(false))
            {
                while (true)
                {
                    try
                    {
                        if (!await updates.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (Exception ex)
                    {
                        ended = true;
                        reporter.Fail(decision, ex, cancellationToken);
                        throw;
                    }

                    var update = updates.Current;
                    reporter.Annotate(decision, update, first, ref usage);
                    first = false;
                    yield return update;
                }
            }

            ended = true;
            decision.Answer();
        }
        finally
        {
            if (!ended)
            {
                DecisionReporter.Abandon(decision);
            }
        }
    }

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
