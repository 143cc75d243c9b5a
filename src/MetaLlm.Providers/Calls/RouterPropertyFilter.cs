using Microsoft.Extensions.AI;

namespace MetaLlm.Providers;

/// <summary>Keeps the router's own <c>metallm.*</c> entries of <see cref="ChatOptions.AdditionalProperties"/> away from models.</summary>
internal static class RouterPropertyFilter
{
    // The router strips these keys itself; arms used without the router must not forward them either.
    public static bool IsRouterProperty(string key) => key.StartsWith(MetaLlmPropertyNames.Prefix, StringComparison.OrdinalIgnoreCase);

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
