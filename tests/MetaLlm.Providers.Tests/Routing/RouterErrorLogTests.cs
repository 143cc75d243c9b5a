using Amazon.Runtime;
using MetaLlm.Providers.Tests.Bedrock;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MetaLlm.Providers.Tests.Routing;

/// <summary>When a provider arm fails, the router's log names the kind of failure but never the provider's message.</summary>
public sealed class RouterErrorLogTests
{
    [Fact]
    public async Task A_throttled_bedrock_arm_is_logged_as_rate_limited_without_the_providers_words()
    {
        const string echo = "Too many requests for: Service was slow and the food was cold.";
        await using var server = await LoopbackServer.StartAsync((context, _) => BedrockTestServer.WriteAsync(
            context, 429, "application/json", $$"""{"message":"{{echo}}"}""", ("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/")));
        using var handler = new TrackingHandler();
        using var logs = new RecordingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddMetaLlmRouter(b => b.AddBedrockArm("amazon.titan-text-express-v1", BedrockTestServer.Region, configure: o =>
        {
            o.Endpoint = server.BaseAddress;
            o.Credentials = new BasicAWSCredentials(BedrockTestServer.AccessKey, BedrockTestServer.SecretKey);
            o.HttpMessageHandler = handler;
        }));
        await using var provider = services.BuildServiceProvider();
        var router = provider.GetRequiredService<MetaLlmRouter>();

        var act = () => router.GetResponseAsync([new ChatMessage(ChatRole.User, "Service was slow and the food was cold.")]);

        ((ProviderException)(await act.Should().ThrowAsync<ArmAttemptsFailedException>()).Which.InnerException!).Kind.Should().Be(ProviderErrorKind.RateLimited);
        logs.Messages.Should().Contain(m => m.Contains("(RateLimited)", StringComparison.Ordinal) && m.Contains(typeof(ProviderException).FullName!, StringComparison.Ordinal));
        logs.Messages.Should().NotContain(m => m.Contains("food was cold", StringComparison.Ordinal));
    }
}
