using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>
/// Which arms may serve a request: what it needs (tools, images, its length) against each arm's capabilities, the
/// caller's allow, deny and pin lists (<see cref="MetaLlmPropertyNames"/>), and each arm's circuit breaker.
/// </summary>
internal static class ArmEligibility
{
    /// <summary>Fills <paramref name="eligible"/>; returns why each arm is not, or <see langword="null"/> when all are.</summary>
    public static Dictionary<string, string>? Compute(IReadOnlyList<RouterArm> arms, IReadOnlyList<ChatMessage> messages, ChatOptions? options, double estimatedInputTokens, ArmHealthTracker health, Span<bool> eligible)
    {
        bool needsTools = options?.Tools is { Count: > 0 };
        bool needsImages = HasImages(messages);
        var properties = options?.AdditionalProperties;
        var allowed = Names(properties, MetaLlmPropertyNames.AllowedArms);
        var denied = Names(properties, MetaLlmPropertyNames.DeniedArms);
        string? pinned = properties is not null && properties.TryGetValue(MetaLlmPropertyNames.PinnedArm, out var pin) ? pin as string ?? pin?.ToString() : null;
        if (pinned is not null && !arms.Any(a => string.Equals(a.Name, pinned, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"The request pins arm '{pinned}' ({MetaLlmPropertyNames.PinnedArm}), but the router has no arm of that name.", nameof(options));
        }

        Dictionary<string, string>? reasons = null;
        for (int i = 0; i < arms.Count; i++)
        {
            var arm = arms[i];
            string? reason =
                pinned is not null && !string.Equals(arm.Name, pinned, StringComparison.OrdinalIgnoreCase) ? $"is not the pinned arm '{pinned}'"
                : allowed is not null && !allowed.Contains(arm.Name) ? $"is not in {MetaLlmPropertyNames.AllowedArms}"
                : denied is not null && denied.Contains(arm.Name) ? $"is in {MetaLlmPropertyNames.DeniedArms}"
                : needsTools && !arm.Capabilities.SupportsTools ? "cannot call tools"
                : needsImages && !arm.Capabilities.SupportsImages ? "cannot take images"
                : arm.Capabilities.MaxInputTokens is int max && estimatedInputTokens > max ? $"takes at most {max} input tokens, and the request has about {estimatedInputTokens:0}"
                : !health.IsAvailable(i) ? $"is skipped by its circuit breaker until {health.Health(i).OpenUntil:O}"
                : null;
            eligible[i] = reason is null;
            if (reason is not null)
            {
                (reasons ??= new(StringComparer.Ordinal))[arm.Name] = reason;
            }
        }

        return reasons;
    }

    private static bool HasImages(IReadOnlyList<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is DataContent data && data.MediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                if (content is UriContent uri && uri.MediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static HashSet<string>? Names(AdditionalPropertiesDictionary? properties, string key)
    {
        if (properties is null || !properties.TryGetValue(key, out var value) || value is null)
        {
            return null;
        }

        IEnumerable<string> names = value switch
        {
            string text => text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            IEnumerable<string> list => list,
            _ => throw new ArgumentException($"{key} must be a string of comma-separated arm names or a sequence of strings, but was a {value.GetType().Name}.", nameof(properties)),
        };
        return new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
    }
}
