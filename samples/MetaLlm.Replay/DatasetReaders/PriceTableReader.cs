using System.Text.Json;

namespace MetaLlm.Replay.DatasetReaders;

/// <summary>
/// Reads a price file: <c>{"model": {"input": $/1M, "output": $/1M}}</c>, or LLMRouter's <c>llm_candidates.json</c>
/// shape with <c>input_price</c> and <c>output_price</c> (other fields are ignored).
/// </summary>
internal static class PriceTableReader
{
    public static IReadOnlyDictionary<string, ModelPricing> Read(string path)
    {
        using var document = JsonText.ParseFile(path);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new ReplayDataException(path, 1, "a price file must be a JSON object mapping each model to its input and output price per 1M tokens.");
        }

        var prices = new Dictionary<string, ModelPricing>(StringComparer.Ordinal);
        foreach (var model in document.RootElement.EnumerateObject())
        {
            if (model.Value.ValueKind != JsonValueKind.Object)
            {
                throw new ReplayDataException(path, null, $"the price of '{model.Name}' must be an object with \"input\" and \"output\" (US dollars per 1M tokens).");
            }

            decimal input = ReadPrice(path, model, "input", "input_price");
            decimal output = ReadPrice(path, model, "output", "output_price");
            prices[model.Name] = new ModelPricing(input, output);
        }

        if (prices.Count == 0)
        {
            throw new ReplayDataException(path, null, "the price file lists no model.");
        }

        return prices;
    }

    private static decimal ReadPrice(string path, JsonProperty model, string name, string alternative)
    {
        if (!model.Value.TryGetProperty(name, out var value) && !model.Value.TryGetProperty(alternative, out value))
        {
            throw new ReplayDataException(path, null, $"model '{model.Name}' has no \"{name}\" (or \"{alternative}\") price.");
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out decimal price) || price < 0)
        {
            throw new ReplayDataException(path, null, $"the {name} price of '{model.Name}' must be a non-negative number of US dollars per 1M tokens, but is {value.GetRawText()}.");
        }

        return price;
    }
}
