using System.Globalization;
using MetaLlm.Providers;

namespace MetaLlm.Sentiment;

/// <summary>Adds an arm for every provider that has credentials in the environment, and says which variables it looked for.</summary>
internal static class SentimentArms
{
    public static readonly string[] VariablesLookedFor =
    [
        "OPENAI_API_KEY (GPT: gpt-4o-mini)",
        "ANTHROPIC_API_KEY (Claude: claude-haiku-4-5)",
        "AWS_BEARER_TOKEN_BEDROCK, or AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (Bedrock: Titan Text Express, Llama 3.1 8B; region AWS_REGION, default us-east-1)",
        "LLAMA_BASE_URL + LLAMA_MODEL + LLAMA_PRICE_PER_MILLION=\"in,out\" [+ LLAMA_API_KEY] (Llama on any OpenAI-compatible server)",
    ];

    /// <summary>Adds the available arms and returns their names.</summary>
    public static List<string> Add(MetaLlmRouterBuilder router, TextWriter log)
    {
        var added = new List<string>();
        if (Has("OPENAI_API_KEY"))
        {
            router.AddOpenAIArm("gpt-4o-mini");
            added.Add("gpt-4o-mini");
        }

        if (Has("ANTHROPIC_API_KEY"))
        {
            router.AddAnthropicArm("claude-haiku-4-5");
            added.Add("claude-haiku-4-5");
        }

        if (Has("AWS_BEARER_TOKEN_BEDROCK") || (Has("AWS_ACCESS_KEY_ID") && Has("AWS_SECRET_ACCESS_KEY")) || Has("AWS_PROFILE"))
        {
            string region = Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1";
            router.AddBedrockArm("amazon.titan-text-express-v1", region);
            router.AddBedrockArm("meta.llama3-1-8b-instruct-v1:0", region);
            added.Add("amazon.titan-text-express-v1");
            added.Add("meta.llama3-1-8b-instruct-v1:0");
        }

        if (Has("LLAMA_BASE_URL") && Has("LLAMA_MODEL"))
        {
            if (ParsePrice(Environment.GetEnvironmentVariable("LLAMA_PRICE_PER_MILLION")) is { } price)
            {
                router.AddOpenAICompatibleArm("llama", new Uri(Environment.GetEnvironmentVariable("LLAMA_BASE_URL")!),
                    Environment.GetEnvironmentVariable("LLAMA_MODEL")!, price, Environment.GetEnvironmentVariable("LLAMA_API_KEY"));
                added.Add("llama");
            }
            else
            {
                log.WriteLine("LLAMA_BASE_URL is set but LLAMA_PRICE_PER_MILLION is not (\"in,out\" in USD, \"0,0\" for a free local server): the Llama arm is left out rather than counted as free.");
            }
        }

        return added;
    }

    private static bool Has(string variable) => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable));

    private static ModelPricing? ParsePrice(string? text)
    {
        string[] parts = (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && decimal.TryParse(parts[0], NumberStyles.Number, CultureInfo.InvariantCulture, out decimal input)
            && decimal.TryParse(parts[1], NumberStyles.Number, CultureInfo.InvariantCulture, out decimal output)
            && input >= 0 && output >= 0
            ? ModelPricing.PerMillionTokens(input, output)
            : null;
    }
}
