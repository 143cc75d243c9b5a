using Microsoft.Extensions.Configuration;

namespace MetaLlm.WebApi.Arms;

/// <summary>
/// Adds an arm for each configured model of every provider that has credentials, and the fake models when none does
/// (or when <see cref="ArmsOptions.KeepFakeModels"/> is set). Credentials are only looked for, never read out.
/// </summary>
internal static class SampleArms
{
    /// <summary>Adds the arms to the router and returns what was added.</summary>
    /// <param name="router">The router builder.</param>
    /// <param name="configuration">The application's configuration (it includes the environment).</param>
    /// <returns>The arms, in the order they were added.</returns>
    public static IReadOnlyList<ActiveArm> Add(MetaLlmRouterBuilder router, IConfiguration configuration)
    {
        var options = configuration.GetSection(ArmsOptions.SectionName).Get<ArmsOptions>() ?? new ArmsOptions();
        var added = new List<ActiveArm>();
        if (options.RealProviders)
        {
            if (Has(configuration, "OpenAI:ApiKey", "OPENAI_API_KEY") is { } openAIKey)
            {
                foreach (string model in options.OpenAI)
                {
                    router.AddOpenAIArm(model);
                    added.Add(new ActiveArm(model, "openai", $"{openAIKey} is set"));
                }
            }

            if (Has(configuration, "Anthropic:ApiKey", "ANTHROPIC_API_KEY") is { } anthropicKey)
            {
                foreach (string model in options.Anthropic)
                {
                    router.AddAnthropicArm(model);
                    added.Add(new ActiveArm(model, "anthropic", $"{anthropicKey} is set"));
                }
            }

            if (FindAwsCredentials(configuration) is { } awsCredentials)
            {
                foreach (string model in options.Bedrock)
                {
                    router.AddBedrockArm(model, options.BedrockRegion);
                    added.Add(new ActiveArm(model, "bedrock", $"{awsCredentials} set"));
                }
            }
        }

        if (added.Count == 0 || options.KeepFakeModels)
        {
            foreach (var profile in FakeModels.All)
            {
                router.AddArm(profile.Name, new FakeChatModel(profile), profile.Pricing);
                added.Add(new ActiveArm(profile.Name, "fake", $"in-process, good at {profile.Skill}"));
            }
        }

        return added;
    }

    // Returns the name of the setting that holds the key (never the key), or null.
    private static string? Has(IConfiguration configuration, params string[] keys) =>
        keys.FirstOrDefault(key => !string.IsNullOrWhiteSpace(configuration[key]));

    private static string? FindAwsCredentials(IConfiguration configuration) =>
        Has(configuration, "Bedrock:ApiKey", "AWS_BEARER_TOKEN_BEDROCK") is { } apiKey ? $"{apiKey} is"
        : Has(configuration, "AWS_ACCESS_KEY_ID") is not null && Has(configuration, "AWS_SECRET_ACCESS_KEY") is not null ? "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are"
        : Has(configuration, "AWS_PROFILE") is not null ? "AWS_PROFILE is"
        : null;
}
