using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>Reads the router's decision from responses.</summary>
public static class MetaLlmResponseExtensions
{
    /// <summary>Gets the id of the routing decision behind a response, or <see langword="null"/> if it was not routed.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The decision id.</returns>
    public static string? GetDecisionId(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.AdditionalProperties?.TryGetValue(MetaLlmPropertyNames.DecisionId, out string? id) == true ? id : null;
    }

    /// <summary>Gets the name of the arm that produced a response, or <see langword="null"/> if it was not routed.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The arm name.</returns>
    public static string? GetArmName(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.AdditionalProperties?.TryGetValue(MetaLlmPropertyNames.ArmName, out string? arm) == true ? arm : null;
    }

    /// <summary>Gets the cost in US dollars the router computed for a response, or <see langword="null"/> if unknown.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The cost.</returns>
    public static decimal? GetCostUsd(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.AdditionalProperties?.TryGetValue(MetaLlmPropertyNames.CostUsd, out decimal cost) == true ? cost : null;
    }
}
