using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace MetaLlm.WebApi.Tests.Support;

/// <summary>Routers whose arms fail in known ways, registered in place of the sample's.</summary>
public static class FailingRouter
{
    /// <summary>A phrase the failing arms put in their exception messages, standing for a prompt a provider echoed.</summary>
    public const string EchoedPrompt = "ECHOED-PROMPT-7c1f";

    /// <summary>Two arms that always fail transiently (a network error), so every request fails over and then fails.</summary>
    public static MetaLlmRouter Transient() => Create(_ => throw new HttpRequestException($"upstream said: {EchoedPrompt}"));

    /// <summary>Two arms that refuse every request in a way no other arm would fix.</summary>
    public static MetaLlmRouter Refusing() => Create(_ => throw new NotSupportedException($"refused: {EchoedPrompt}"));

    /// <summary>Two arms that accept at most one input token, so no request is eligible anywhere.</summary>
    public static MetaLlmRouter Tiny()
    {
        var answer = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "unused"))) };
        var tiny = new ArmCapabilities { MaxInputTokens = 1 };
        return new MetaLlmRouter(
            [
                new RouterArm("tiny-a", answer, ModelPricing.PerMillionTokens(1m, 2m)) { Capabilities = tiny },
                new RouterArm("tiny-b", answer, ModelPricing.PerMillionTokens(3m, 4m)) { Capabilities = tiny },
            ]);
    }

    /// <summary>Registers <paramref name="router"/> as the router and the bottom of the chat pipeline.</summary>
    public static Action<IServiceCollection> Replace(MetaLlmRouter router) => services => services.AddSingleton(router);

    private static MetaLlmRouter Create(Func<IEnumerable<ChatMessage>, Task<ChatResponse>> fail)
    {
        var client = new TestChatClient { GetResponseAsyncCallback = (messages, _, _) => fail(messages) };
        return new MetaLlmRouter(
            [
                new RouterArm("broken-a", client, ModelPricing.PerMillionTokens(1m, 2m)),
                new RouterArm("broken-b", client, ModelPricing.PerMillionTokens(3m, 4m)),
            ]);
    }
}
