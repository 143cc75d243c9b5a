using Microsoft.Extensions.AI;

namespace MetaLlm.Tests;

/// <summary>Builds routers over in-process fake arms.</summary>
internal static class TestArms
{
    /// <summary>Arms named arm0, arm1, … that answer with their name and the given usage, priced as given.</summary>
    public static RouterArm[] Answering(long inputTokens, long outputTokens, params ModelPricing[] prices) =>
        prices.Select((price, i) => new RouterArm($"arm{i}", TestChatClient.Answering($"answer from arm{i}", inputTokens, outputTokens), price)).ToArray();

    public static ModelPricing Price(decimal input, decimal output) => ModelPricing.PerMillionTokens(input, output);

    public static List<ChatMessage> Ask(string text) => [new ChatMessage(ChatRole.User, text)];
}
