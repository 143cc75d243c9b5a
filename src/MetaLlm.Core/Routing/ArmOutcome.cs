using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>How one arm did on one request: its score and what it cost.</summary>
/// <param name="Score">The score of the answer, in [0, 1].</param>
/// <param name="Usage">The tokens the answer used; the cost is computed from the arm's price.</param>
/// <param name="CostUsd">
/// The cost in US dollars, used when <paramref name="Usage"/> is <see langword="null"/>; it can only be normalised when
/// <see cref="MetaLlmRouterOptions.CostReferenceUsd"/> is set.
/// </param>
public readonly record struct ArmOutcome(double Score, UsageDetails? Usage = null, decimal? CostUsd = null);
