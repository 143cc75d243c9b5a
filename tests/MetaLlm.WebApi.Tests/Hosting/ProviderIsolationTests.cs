using MetaLlm.WebApi.Tests.Support;

namespace MetaLlm.WebApi.Tests.Hosting;

/// <summary>Sets process environment variables, so it runs alone.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

[Collection(nameof(ProcessEnvironment))]
public sealed class ProviderIsolationTests
{
    private static readonly string[] Variables =
        ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "AWS_BEARER_TOKEN_BEDROCK", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "Arms__RealProviders", "Arms__KeepFakeModels"];

    [Fact]
    public async Task Provider_keys_in_the_environment_do_not_switch_real_providers_on_in_tests()
    {
        var saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        try
        {
            // Values no provider would accept; the point is only that the sample must not even add their arms.
            Environment.SetEnvironmentVariable("OPENAI_API_KEY", "sk-test-not-a-key");
            Environment.SetEnvironmentVariable("ANTHROPIC_API_KEY", "sk-ant-test-not-a-key");
            Environment.SetEnvironmentVariable("AWS_BEARER_TOKEN_BEDROCK", "test-not-a-token");
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIATESTNOTAKEY");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "test-not-a-secret");
            Environment.SetEnvironmentVariable("Arms__RealProviders", "true");
            Environment.SetEnvironmentVariable("Arms__KeepFakeModels", "true");

            using var factory = new WebApiFactory();
            using var client = factory.CreateClient();
            var arms = await client.GetArmsAsync();

            arms.GetProperty("arms").EnumerateArray().Select(a => a.GetProperty("name").GetString()).Should().Equal("fake-mini", "fake-coder", "fake-large");
        }
        finally
        {
            foreach (var (variable, value) in saved)
            {
                Environment.SetEnvironmentVariable(variable, value);
            }
        }
    }
}
