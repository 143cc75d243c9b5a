using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace MetaLlm.Providers;

/// <summary>
/// List prices of known models, by model id, with the date each was taken; copies can add or replace entries
/// (<see cref="With(string, ModelPricing, string)"/>).
/// </summary>
/// <remarks>
/// <para>
/// The built-in figures are list prices in US dollars per one million tokens for standard, on-demand, non-batch,
/// uncached use (Bedrock: us-east-1). They were compiled from the providers' public price pages as remembered and as
/// repeated by secondary sources; they were NOT re-read from the live pages when this catalogue was written (the build
/// machine has no network). Entries whose figure is less certain say so in <see cref="ModelPriceEntry.Note"/>.
/// Prices change: pass your own price when it matters.
/// </para>
/// <para>
/// Lookup tries the exact id, then the id without a Bedrock geographic inference-profile prefix (<c>us.</c>,
/// <c>eu.</c>, <c>apac.</c>, <c>global.</c>), then without a trailing date (<c>-2024-07-18</c> or <c>-20241022</c>).
/// </para>
/// </remarks>
public sealed partial class ModelPriceCatalog
{
    private static readonly DateOnly ListedBy2025 = new(2025, 11, 1);
    private const string NotReRead = "Not re-read from the live price page when catalogued.";

    private readonly FrozenDictionary<string, ModelPriceEntry> _entries;

    /// <summary>Initializes a new instance of the <see cref="ModelPriceCatalog"/> class with the given entries.</summary>
    /// <param name="entries">The entries; a later entry for the same model id replaces an earlier one.</param>
    public ModelPriceCatalog(IEnumerable<ModelPriceEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var map = new Dictionary<string, ModelPriceEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
            map[entry.ModelId] = entry;
        }

        _entries = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gets the built-in catalogue of GPT, Claude, Titan, Nova, Llama and Mistral prices.</summary>
    public static ModelPriceCatalog Default { get; } = new(BuiltInEntries());

    /// <summary>Gets every entry.</summary>
    public IReadOnlyCollection<ModelPriceEntry> Entries => _entries.Values;

    /// <summary>Returns a copy of this catalogue in which <paramref name="modelId"/> has the given price.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="pricing">The price.</param>
    /// <param name="provider">The provider the price applies to.</param>
    /// <returns>The new catalogue.</returns>
    public ModelPriceCatalog With(string modelId, ModelPricing pricing, string provider = "custom")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentNullException.ThrowIfNull(pricing);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        return new ModelPriceCatalog(_entries.Values.Append(new ModelPriceEntry(provider, modelId, pricing, DateOnly.FromDateTime(DateTime.UtcNow), "User override.")));
    }

    /// <summary>Finds a model's entry.</summary>
    /// <param name="modelId">The model id, as the provider's API takes it.</param>
    /// <param name="entry">The entry, when found.</param>
    /// <returns>Whether the model is known.</returns>
    public bool TryFind(string modelId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelPriceEntry? entry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        foreach (string candidate in Candidates(modelId.Trim()))
        {
            if (_entries.TryGetValue(candidate, out entry))
            {
                return true;
            }
        }

        entry = null;
        return false;
    }

    /// <summary>Gets a model's price, or throws when it is unknown.</summary>
    /// <param name="modelId">The model id.</param>
    /// <returns>The price.</returns>
    /// <exception cref="UnknownModelPriceException">The model is not in the catalogue.</exception>
    public ModelPricing GetPricing(string modelId) =>
        TryFind(modelId, out var entry) ? entry.Pricing : throw new UnknownModelPriceException(modelId);

    /// <summary>Returns <paramref name="pricing"/> when given, else the catalogue's price.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="pricing">The caller's price, which wins over the catalogue's, or <see langword="null"/>.</param>
    /// <returns>The price.</returns>
    /// <exception cref="UnknownModelPriceException">No price was given and the model is not in the catalogue.</exception>
    public ModelPricing Resolve(string modelId, ModelPricing? pricing) => pricing ?? GetPricing(modelId);

    private static IEnumerable<string> Candidates(string modelId)
    {
        yield return modelId;
        string withoutGeo = GeoPrefix().Replace(modelId, string.Empty);
        if (withoutGeo != modelId)
        {
            yield return withoutGeo;
        }

        string withoutDate = DateSuffix().Replace(withoutGeo, string.Empty);
        if (withoutDate != withoutGeo)
        {
            yield return withoutDate;
        }
    }

    [GeneratedRegex(@"^(us|eu|apac|us-gov|jp|au|ca|global)\.", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex GeoPrefix();

    [GeneratedRegex(@"-(\d{4}-\d{2}-\d{2}|\d{8})$", RegexOptions.CultureInvariant)]
    private static partial Regex DateSuffix();

    private static IEnumerable<ModelPriceEntry> BuiltInEntries()
    {
        static ModelPriceEntry OpenAI(string id, decimal input, decimal output, DateOnly asOf, string? note = null) =>
            new("openai", id, new ModelPricing(input, output), asOf, note ?? NotReRead);
        static ModelPriceEntry Anthropic(string id, decimal input, decimal output, DateOnly asOf, string? note = null) =>
            new("anthropic", id, new ModelPricing(input, output), asOf, note ?? NotReRead);
        static ModelPriceEntry Bedrock(string id, decimal input, decimal output, DateOnly asOf, string? note = null) =>
            new("aws.bedrock", id, new ModelPricing(input, output), asOf, note ?? NotReRead + " Bedrock prices differ by region; this is us-east-1.");

        // OpenAI, openai.com/api/pricing (standard tier).
        yield return OpenAI("gpt-4o-mini", 0.15m, 0.60m, ListedBy2025);
        yield return OpenAI("gpt-4o", 2.50m, 10.00m, ListedBy2025);
        yield return OpenAI("gpt-4.1", 2.00m, 8.00m, ListedBy2025);
        yield return OpenAI("gpt-4.1-mini", 0.40m, 1.60m, ListedBy2025);
        yield return OpenAI("gpt-4.1-nano", 0.10m, 0.40m, ListedBy2025);
        yield return OpenAI("gpt-5", 1.25m, 10.00m, ListedBy2025);
        yield return OpenAI("gpt-5-mini", 0.25m, 2.00m, ListedBy2025);
        yield return OpenAI("gpt-5-nano", 0.05m, 0.40m, ListedBy2025);
        yield return OpenAI("gpt-3.5-turbo", 0.50m, 1.50m, ListedBy2025);
        yield return OpenAI("o3", 2.00m, 8.00m, ListedBy2025, "Cut from $10/$40 in June 2025. " + NotReRead);
        yield return OpenAI("o3-mini", 1.10m, 4.40m, ListedBy2025);
        yield return OpenAI("o4-mini", 1.10m, 4.40m, ListedBy2025);

        // Anthropic, claude.com/pricing (base input, output; no caching).
        yield return Anthropic("claude-3-haiku", 0.25m, 1.25m, ListedBy2025);
        yield return Anthropic("claude-3-5-haiku", 0.80m, 4.00m, ListedBy2025);
        yield return Anthropic("claude-3-5-haiku-latest", 0.80m, 4.00m, ListedBy2025);
        yield return Anthropic("claude-haiku-4-5", 1.00m, 5.00m, ListedBy2025);
        yield return Anthropic("claude-3-7-sonnet", 3.00m, 15.00m, ListedBy2025);
        yield return Anthropic("claude-sonnet-4", 3.00m, 15.00m, ListedBy2025, "Prompts over 200K tokens are billed higher. " + NotReRead);
        yield return Anthropic("claude-sonnet-4-5", 3.00m, 15.00m, ListedBy2025, "Prompts over 200K tokens are billed higher. " + NotReRead);
        yield return Anthropic("claude-opus-4-1", 15.00m, 75.00m, ListedBy2025);
        yield return Anthropic("claude-opus-4-5", 5.00m, 25.00m, ListedBy2025, "Uncertain: price announced with the model in November 2025. " + NotReRead);

        // Amazon Bedrock, aws.amazon.com/bedrock/pricing (on-demand, us-east-1).
        yield return Bedrock("amazon.titan-text-express-v1", 0.20m, 0.60m, ListedBy2025);
        yield return Bedrock("amazon.titan-text-lite-v1", 0.15m, 0.20m, ListedBy2025);
        yield return Bedrock("amazon.titan-text-premier-v1:0", 0.50m, 1.50m, ListedBy2025, "Uncertain. " + NotReRead);
        yield return Bedrock("amazon.nova-micro-v1:0", 0.035m, 0.14m, ListedBy2025);
        yield return Bedrock("amazon.nova-lite-v1:0", 0.06m, 0.24m, ListedBy2025);
        yield return Bedrock("amazon.nova-pro-v1:0", 0.80m, 3.20m, ListedBy2025);
        yield return Bedrock("amazon.nova-premier-v1:0", 2.50m, 12.50m, ListedBy2025, "Uncertain. " + NotReRead);
        yield return Bedrock("anthropic.claude-3-haiku-20240307-v1:0", 0.25m, 1.25m, ListedBy2025);
        yield return Bedrock("anthropic.claude-3-5-haiku-20241022-v1:0", 0.80m, 4.00m, ListedBy2025);
        yield return Bedrock("anthropic.claude-3-5-sonnet-20240620-v1:0", 3.00m, 15.00m, ListedBy2025);
        yield return Bedrock("anthropic.claude-3-5-sonnet-20241022-v2:0", 3.00m, 15.00m, ListedBy2025);
        yield return Bedrock("anthropic.claude-3-7-sonnet-20250219-v1:0", 3.00m, 15.00m, ListedBy2025);
        yield return Bedrock("anthropic.claude-sonnet-4-20250514-v1:0", 3.00m, 15.00m, ListedBy2025);
        yield return Bedrock("anthropic.claude-sonnet-4-5-20250929-v1:0", 3.00m, 15.00m, ListedBy2025, "Uncertain: regional (non-global) endpoints may be billed about 10% higher. " + NotReRead);
        yield return Bedrock("anthropic.claude-haiku-4-5-20251001-v1:0", 1.00m, 5.00m, ListedBy2025, "Uncertain: regional (non-global) endpoints may be billed about 10% higher. " + NotReRead);
        yield return Bedrock("meta.llama3-8b-instruct-v1:0", 0.30m, 0.60m, ListedBy2025);
        yield return Bedrock("meta.llama3-70b-instruct-v1:0", 2.65m, 3.50m, ListedBy2025);
        yield return Bedrock("meta.llama3-1-8b-instruct-v1:0", 0.22m, 0.22m, ListedBy2025);
        yield return Bedrock("meta.llama3-1-70b-instruct-v1:0", 0.72m, 0.72m, ListedBy2025);
        yield return Bedrock("meta.llama3-1-405b-instruct-v1:0", 2.40m, 2.40m, ListedBy2025, "Uncertain. " + NotReRead);
        yield return Bedrock("meta.llama3-2-1b-instruct-v1:0", 0.10m, 0.10m, ListedBy2025);
        yield return Bedrock("meta.llama3-2-3b-instruct-v1:0", 0.15m, 0.15m, ListedBy2025);
        yield return Bedrock("meta.llama3-2-11b-instruct-v1:0", 0.16m, 0.16m, ListedBy2025);
        yield return Bedrock("meta.llama3-2-90b-instruct-v1:0", 0.72m, 0.72m, ListedBy2025);
        yield return Bedrock("meta.llama3-3-70b-instruct-v1:0", 0.72m, 0.72m, ListedBy2025);
        yield return Bedrock("mistral.mistral-7b-instruct-v0:2", 0.15m, 0.20m, ListedBy2025);
        yield return Bedrock("mistral.mixtral-8x7b-instruct-v0:1", 0.45m, 0.70m, ListedBy2025);
        yield return Bedrock("mistral.mistral-large-2402-v1:0", 4.00m, 12.00m, ListedBy2025, "Uncertain: listed at $8/$24 at launch and cut later. " + NotReRead);
    }
}
