using System.Globalization;
using MetaLlm.Replay.DatasetReaders;

namespace MetaLlm.Replay.Evaluation;

/// <summary>
/// Decides the price each replayed arm charges and the usage it reports per query, so that the router's own cost
/// arithmetic (tokens × price) gives the recorded or estimated cost of every answer.
/// </summary>
/// <remarks>
/// <para>
/// Without recorded costs (LLMRouter JSON, or JSONL without <c>cost</c>): the arms charge the price file's prices and
/// report the recorded tokens; missing input tokens are estimated as prompt characters / 4 (rounded up), missing
/// output tokens as a fixed assumed answer length. λ then uses the router's default normalisation (cost divided by
/// what the dearest arm would charge for the same tokens), so it is unitless.
/// </para>
/// <para>
/// With recorded dollar costs (RouterBench's <c>|total_cost</c>, JSONL <c>cost</c>): the arms charge
/// $0.001 per million "tokens" and report the cost in nano-dollars as output tokens, so tokens × price reproduces the
/// recorded cost to 10⁻⁹ $. A uniform price would make the default normalisation meaningless (every answer would cost
/// exactly as much as the dearest arm's price), so <see cref="CostReferenceUsd"/> is set to the mean cost per query of
/// the dearest model (on the training file when there is one): λ = 1 still means "paying for the dearest model must be
/// worth a whole point of score".
/// </para>
/// </remarks>
internal sealed class ReplayCostModel
{
    /// <summary>The price of one nano-dollar "token": $0.001 per million.</summary>
    private const decimal NanoDollarPricePerMillion = 0.001m;

    private ReplayCostModel(IReadOnlyList<ModelPricing> pricing, decimal? costReferenceUsd, string description)
    {
        Pricing = pricing;
        CostReferenceUsd = costReferenceUsd;
        Description = description;
    }

    /// <summary>Gets the price each arm charges, in arm order.</summary>
    public IReadOnlyList<ModelPricing> Pricing { get; }

    /// <summary>Gets the dollar cost that counts as one unit of normalised cost, or <see langword="null"/> for the router's default.</summary>
    public decimal? CostReferenceUsd { get; }

    /// <summary>Gets a sentence saying where the costs come from and which estimates were used.</summary>
    public string Description { get; }

    /// <summary>Sets every query's <see cref="ReplayQuery.Usage"/> and returns the prices that go with them.</summary>
    /// <param name="arms">The models, in outcome order.</param>
    /// <param name="test">The evaluated dataset.</param>
    /// <param name="train">The training dataset, or <see langword="null"/>.</param>
    /// <param name="prices">The price file's prices, or <see langword="null"/>.</param>
    /// <param name="pricesPath">The price file, for messages.</param>
    /// <param name="assumedOutputTokens">The answer length assumed when the file records no output tokens.</param>
    public static ReplayCostModel Apply(
        IReadOnlyList<string> arms,
        ReplayDataset test,
        ReplayDataset? train,
        IReadOnlyDictionary<string, ModelPricing>? prices,
        string? pricesPath,
        int assumedOutputTokens)
    {
        var datasets = train is null ? new[] { test } : [test, train];
        bool recordedCost = datasets.Any(d => d.Queries.Any(q => q.Outcomes.Any(o => o.CostUsd is not null)));
        int estimatedInputs = 0, estimatedOutputs = 0;

        // Resolve every outcome to (input, output) tokens, estimating what the file does not record.
        foreach (var dataset in datasets)
        {
            foreach (var query in dataset.Queries)
            {
                var usage = new TokenUsage[arms.Count];
                long estimatedInput = Math.Max(1, (query.TextLength + 3) / 4);
                for (int arm = 0; arm < arms.Count; arm++)
                {
                    var outcome = query.Outcomes[arm];
                    bool needsTokens = outcome.CostUsd is null;
                    if (needsTokens && (prices is null || !prices.ContainsKey(arms[arm])))
                    {
                        throw new ReplayDataException(
                            dataset.Path,
                            query.Line,
                            prices is null
                                ? $"model '{arms[arm]}' has no cost; give its price with --prices."
                                : $"model '{arms[arm]}' has no cost, and the price file {pricesPath} has no price for it.");
                    }

                    long input = outcome.InputTokens ?? estimatedInput;
                    long output = outcome.OutputTokens ?? assumedOutputTokens;
                    if (needsTokens)
                    {
                        estimatedInputs += outcome.InputTokens is null ? 1 : 0;
                        estimatedOutputs += outcome.OutputTokens is null ? 1 : 0;
                    }

                    usage[arm] = new TokenUsage(input, output);
                }

                query.Usage = usage;
            }
        }

        string estimate = estimatedInputs + estimatedOutputs == 0
            ? "recorded tokens"
            : string.Create(CultureInfo.InvariantCulture, $"input tokens estimated as prompt characters / 4 for {estimatedInputs} outcomes, output tokens assumed {assumedOutputTokens} per answer for {estimatedOutputs} outcomes");

        if (!recordedCost)
        {
            var pricing = arms.Select(a => prices![a]).ToArray();
            return new ReplayCostModel(pricing, null, $"cost = tokens × prices from {Path.GetFileName(pricesPath)}; {estimate}. λ is unitless: normalised cost = cost / what the dearest arm would charge for the same tokens.");
        }

        // Recorded dollars: re-express each cost as nano-dollar tokens at a uniform price.
        var nano = Enumerable.Repeat(new ModelPricing(NanoDollarPricePerMillion, NanoDollarPricePerMillion), arms.Count).ToArray();
        foreach (var dataset in datasets)
        {
            foreach (var query in dataset.Queries)
            {
                for (int arm = 0; arm < arms.Count; arm++)
                {
                    var outcome = query.Outcomes[arm];
                    decimal dollars = outcome.CostUsd ?? prices![arms[arm]].ComputeCost(query.Usage[arm].InputTokens, query.Usage[arm].OutputTokens);
                    // As output tokens: the router learns each arm's output per context, so each answer keeps its own cost.
                    query.Usage[arm] = new TokenUsage(0, (long)Math.Round(dollars * 1_000_000_000m, MidpointRounding.AwayFromZero));
                }
            }
        }

        var reference = datasets[^1];
        decimal dearest = Enumerable.Range(0, arms.Count)
            .Max(arm => reference.Queries.Average(q => (decimal)q.Usage[arm].OutputTokens) / 1_000_000_000m);
        decimal? costReference = dearest > 0 ? dearest : null;
        string missing = estimatedInputs + estimatedOutputs == 0 ? string.Empty : $" (missing costs: tokens × prices from {Path.GetFileName(pricesPath)}, {estimate})";
        return new ReplayCostModel(
            nano,
            costReference ?? 1m,
            string.Create(CultureInfo.InvariantCulture, $"recorded dollar cost{missing}; arms report it as nano-dollar usage priced $0.001/1M so the router reproduces it. λ is per unit of ${costReference ?? 1m:0.########} (the dearest model's mean cost per query on {reference.Name})."));
    }

    /// <summary>The dollars an arm charges for an answer, computed as the router does.</summary>
    public decimal Cost(int arm, TokenUsage usage) => Pricing[arm].ComputeCost(usage.InputTokens, usage.OutputTokens);
}
