using System.Net;
using MetaLlm.WebApi.Tests.Support;

namespace MetaLlm.WebApi.Tests.Hosting;

public sealed class PrivacyTests
{
    [Fact]
    public async Task Prompts_answers_and_echoing_exception_messages_are_never_logged()
    {
        const string Marker = "aardvark-sapphire-2291";
        var logs = new CapturingLoggerProvider();
        using var factory = new WebApiFactory(logs: logs);
        using var client = factory.CreateClient();
        var chat = await client.ChatOkAsync($"Tell me about the {Marker}");
        using var feedback = await client.FeedbackAsync(chat.GetProperty("decisionId").GetString()!, 1);

        using var transient = FailingRouter.Transient();
        using var failingFactory = new WebApiFactory(services: FailingRouter.Replace(transient), logs: logs);
        using var failingClient = failingFactory.CreateClient();
        using var failed = await failingClient.ChatAsync($"Tell me about the {Marker}");
        failed.StatusCode.Should().Be(HttpStatusCode.BadGateway);

        using var refusing = FailingRouter.Refusing();
        using var refusingFactory = new WebApiFactory(services: FailingRouter.Replace(refusing), logs: logs);
        using var refusingClient = refusingFactory.CreateClient();
        using var refused = await refusingClient.ChatAsync($"Tell me about the {Marker}");
        refused.StatusCode.Should().Be(HttpStatusCode.BadGateway);

        logs.Entries.Should().Contain(entry => entry.Contains("answered 502", StringComparison.Ordinal), "the failures are logged, by type and decision");
        logs.Entries.Should().NotContain(entry => entry.Contains(Marker, StringComparison.Ordinal));
        logs.Entries.Should().NotContain(entry => entry.Contains(FailingRouter.EchoedPrompt, StringComparison.Ordinal));
        logs.Entries.Should().NotContain(entry => entry.Contains(chat.GetProperty("text").GetString()!, StringComparison.Ordinal));
    }
}
