using Microsoft.Extensions.AI;

namespace MetaLlm.Providers;

/// <summary>Keeps the router's own <c>metallm.*</c> entries of <see cref="ChatOptions.AdditionalProperties"/> away from models.</summary>
internal static class RouterPropertyFilter
{
    /// <summary>The prefix of every key the router owns (see <see cref="MetaLlmPropertyNames"/>).</summary>
    public const string Prefix = "metallm.";

    public static bool IsRouterProperty(string key) => key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Returns the options unchanged, or a clone without the router's entries; the caller's options are never mutated.</summary>
    public static ChatOptions? Apply(ChatOptions? options)
    {
        if (options?.AdditionalProperties is not { Count: > 0 } properties || !properties.Keys.Any(IsRouterProperty))
        {
            return options;
        }

        var clone = options.Clone();
        var kept = new AdditionalPropertiesDictionary();
        foreach (var (key, value) in properties)
        {
            if (!IsRouterProperty(key))
            {
                kept[key] = value;
            }
        }

        clone.AdditionalProperties = kept.Count > 0 ? kept : null;
        return clone;
    }
}
